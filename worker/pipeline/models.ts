// The model a request names, and its `models` fallbacks, looked up in the catalog and checked
// against the key's allowed models. Generation and token counts alike go through here, so an
// unknown model is a 404 and a forbidden one a 403 on every route.
import type { GatewayError } from '../errors';
import type { Result } from '../protocols/types';
import type { Catalog } from '../catalog/catalog';
import { modelAllowed } from '../auth/key-context';

/** The catalog id of the requested model (an id or an alias). */
export function resolveModel(catalog: Catalog, name: string, allowed: readonly string[]): Result<string, GatewayError> {
  const model = catalog.names.get(name);
  if (!model) return { ok: false, error: { kind: 'model_not_found', model: name, message: `The model "${name}" does not exist.` } };
  if (!modelAllowed(allowed, model)) return { ok: false, error: forbidden(name) };
  return { ok: true, value: model };
}

/** The `models` fallbacks: an unknown one is a bad request naming its index. */
export function resolveFallbacks(catalog: Catalog, names: readonly string[], allowed: readonly string[]): Result<string[], GatewayError> {
  const resolved: string[] = [];
  for (const [index, name] of names.entries()) {
    const model = catalog.names.get(name);
    if (!model) return { ok: false, error: { kind: 'invalid_request', message: `Unknown fallback model "${name}".`, param: `models[${index}]` } };
    if (!modelAllowed(allowed, model)) return { ok: false, error: forbidden(name) };
    resolved.push(model);
  }
  return { ok: true, value: resolved };
}

function forbidden(name: string): GatewayError {
  return { kind: 'forbidden', message: `This key may not use the model "${name}".` };
}
