// Gemini's routes on both API versions (`@google/genai` 3.x calls v1, older SDKs v1beta):
// POST /{v1,v1beta}/models/{model}:{method}. The model and the method live in the path.
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import type { RouteContext } from '../protocols/types';
import { handleGenerate } from '../pipeline/generate';
import { errorResponse } from '../pipeline/respond';

/** Each served method and what it asks of the pipeline. */
const METHODS: Record<string, Omit<RouteContext, 'path_model'>> = {
  generateContent: { operation: 'generate', path_stream: false },
  streamGenerateContent: { operation: 'generate', path_stream: true },
  countTokens: { operation: 'count_tokens' },
  embedContent: { operation: 'embed', path_batch: false },
  batchEmbedContents: { operation: 'embed', path_batch: true },
};

export interface GeminiTarget {
  model: string;
  method: string;
}

/**
 * `{model}:{method}` from what follows `/models/`. Hono has already percent-decoded the
 * path except reserved characters (an encoded colon stays `%3A`, so it never splits) and
 * malformed escapes, which stay as they are and make an unknown model.
 */
export function geminiTarget(rest: string): GeminiTarget {
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return { model: '', method: '' };
  return { model: rest.slice(0, colon), method: rest.slice(colon + 1) };
}

export function geminiMethod(c: Context<AppEnv>): Promise<Response> | Response {
  const rest = c.req.path.slice(c.req.path.indexOf('/models/') + '/models/'.length);
  const { model, method } = geminiTarget(rest);
  const route = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!route) {
    const shown = method.length > 100 ? `${method.slice(0, 100)}…` : method;
    return errorResponse(c, 'gemini', { kind: 'not_found', message: method === '' ? 'No method named in the path (models/{model}:{method}).' : `Unknown method "${shown}".` });
  }
  return handleGenerate(c, 'gemini', { ...route, path_model: model });
}
