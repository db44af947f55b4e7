// GET /v1/models[/{id}] and GET /v1beta/models[/{model}]: the catalog this key may use, in
// the shape of the SDK that asked (routes/caller-protocol.ts decides which: OpenAI's list
// with OpenRouter's pricing fields, Anthropic's ModelInfo pages, or Gemini's Model list).
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import type { Protocol } from '../core/types';
import { errorResponse } from '../pipeline/respond';
import { callerProtocol, type CredentialStyle } from './caller-protocol';
import { visibleModel, visibleModels } from './models-catalog';
import {
  anthropicModel,
  anthropicModelList,
  geminiModel,
  geminiModelList,
  openaiModel,
  openaiModelList,
} from './models-shapes';

/**
 * The shape of a /v1/models call (also the protocol its errors are rendered in): the same
 * rule as every other undecided request, so a Gemini `models/{model}:{method}` path sent as a
 * GET is answered in Gemini's shape whatever the credential.
 */
export function modelsShapeOf(c: Context<AppEnv>): Protocol {
  return callerProtocol(c.req.raw);
}

export async function listModels(c: Context<AppEnv>): Promise<Response> {
  const models = await visibleModels(c);
  const shape = c.get('protocol') as CredentialStyle;
  if (shape === 'gemini') return c.json(geminiModelList(models));
  if (shape === 'anthropic') return c.json(anthropicModelList(models));
  return c.json(openaiModelList(models));
}

/** GET one model; the id is what follows `models/` in the path, percent-decoded. */
export async function retrieveModel(c: Context<AppEnv>): Promise<Response> {
  const protocol = c.get('protocol');
  const rest = c.req.path.slice(c.req.path.indexOf('/models/') + '/models/'.length);
  const name = decodedOrNull(rest);
  // Gemini's `models/{model}:{method}` is a POST; as a GET it names no model.
  if (name === null || name === '' || (protocol === 'gemini' && name.includes(':'))) {
    return errorResponse(c, protocol, { kind: 'not_found', message: `No model at ${c.req.path.slice(0, 200)}.` });
  }
  const id = protocol === 'gemini' && name.startsWith('models/') ? name.slice('models/'.length) : name;
  const found = await visibleModel(c, id);
  if (!found) {
    const shown = id.length > 200 ? `${id.slice(0, 200)}…` : id;
    return errorResponse(c, protocol, { kind: 'model_not_found', model: shown, message: `The model "${shown}" does not exist.` });
  }
  if (protocol === 'gemini') return c.json(geminiModel(found));
  if (protocol === 'anthropic') return c.json(anthropicModel(found));
  return c.json(openaiModel(found));
}

function decodedOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
