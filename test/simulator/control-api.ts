// The control API under /_sim: list, create, replace, change and delete providers, zero the
// counters, and read back the requests a provider received. Pure: text in, status and JSON out.
import { describeZodError, providerBehaviourSchema, providerNameSchema, providerPatchSchema, type ProviderBehaviour } from './behaviour';
import { ProviderState } from './provider-state';

export interface Registry {
  providers: Map<string, ProviderState>;
  /** The simulator's seed, for providers without their own. */
  seed: number;
}

export interface ControlResult {
  status: number;
  body: unknown;
}

const PROVIDER_PATH = /^\/_sim\/providers\/([^/]+)(\/requests)?$/;

export function handleControl(registry: Registry, method: string, path: string, search: string, bodyText: string): ControlResult {
  if (path === '/_sim/health' && method === 'GET') return ok({ ok: true, providers: registry.providers.size });
  if (path === '/_sim/providers' && method === 'GET') return ok({ providers: [...registry.providers.values()].map((state) => state.describe()) });
  if (path === '/_sim/reset' && method === 'POST') {
    for (const state of registry.providers.values()) state.reset();
    return ok({ reset: true, providers: registry.providers.size });
  }
  const match = PROVIDER_PATH.exec(path);
  if (!match) return failure(404, `No control route ${method} ${path}`);
  const name = decodeURIComponent(match[1]!);
  const state = registry.providers.get(name);
  if (match[2]) {
    if (method !== 'GET') return failure(405, `Use GET for ${path}`);
    if (!state) return failure(404, `No provider named "${name}"`);
    const limitText = new URLSearchParams(search).get('limit');
    const limit = limitText === null ? undefined : Number(limitText);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) return failure(400, 'limit: must be a non-negative integer', ['limit']);
    return ok({ requests: state.recentRequests(limit) });
  }
  switch (method) {
    case 'GET':
      return state ? ok(state.describe()) : failure(404, `No provider named "${name}"`);
    case 'DELETE':
      if (!state) return failure(404, `No provider named "${name}"`);
      registry.providers.delete(name);
      return ok({ deleted: name });
    case 'PUT':
      return putProvider(registry, name, bodyText);
    case 'PATCH':
      return state ? patchProvider(state, bodyText) : failure(404, `No provider named "${name}"`);
    default:
      return failure(405, `Method ${method} not allowed on ${path}`);
  }
}

function putProvider(registry: Registry, name: string, bodyText: string): ControlResult {
  const validName = providerNameSchema.safeParse(name);
  if (!validName.success) return failure(400, `name: ${validName.error.issues[0]?.message ?? 'invalid'}`, ['name']);
  const parsed = parseJson(bodyText);
  if (!parsed.ok) return parsed.result;
  let input = parsed.value;
  if (isRecord(input) && 'name' in input) {
    if (input.name !== name) return failure(400, 'name: must match the provider name in the path', ['name']);
    const { name: _ignored, ...rest } = input;
    input = rest;
  }
  const behaviour = validateBehaviour(input);
  if (!behaviour.ok) return behaviour.result;
  const existing = registry.providers.get(name);
  if (existing) {
    existing.setBehaviour(behaviour.value);
    return ok(existing.describe());
  }
  const state = new ProviderState(name, behaviour.value, registry.seed);
  registry.providers.set(name, state);
  return { status: 201, body: state.describe() };
}

/** Merge: fields given replace the current ones; null removes a field (defaults return). */
function patchProvider(state: ProviderState, bodyText: string): ControlResult {
  const parsed = parseJson(bodyText);
  if (!parsed.ok) return parsed.result;
  const shape = providerPatchSchema.safeParse(parsed.value);
  if (!shape.success) return zodFailure(shape.error);
  const merged: Record<string, unknown> = { ...state.behaviour };
  for (const [key, value] of Object.entries(shape.data)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  const behaviour = validateBehaviour(merged);
  if (!behaviour.ok) return behaviour.result;
  state.setBehaviour(behaviour.value);
  return ok(state.describe());
}

type Parsed<T> = { ok: true; value: T } | { ok: false; result: ControlResult };

function validateBehaviour(input: unknown): Parsed<ProviderBehaviour> {
  const result = providerBehaviourSchema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, result: zodFailure(result.error) };
}

function parseJson(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, result: failure(400, 'The body must be JSON') };
  }
}

function zodFailure(error: import('zod').ZodError): ControlResult {
  const fields = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key].join('.')) : [issue.path.join('.')],
  );
  return failure(400, describeZodError(error), fields);
}

function ok(body: unknown): ControlResult {
  return { status: 200, body };
}

function failure(status: number, message: string, fields?: string[]): ControlResult {
  return { status, body: { error: { message, ...(fields ? { fields } : {}) } } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
