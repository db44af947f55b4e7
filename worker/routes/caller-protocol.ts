// Which client protocol a request speaks, judged from its path and credential style: the
// one rule behind errors on unknown routes, onError, and the shape of /v1/models (a path
// OpenAI's, Anthropic's and Google's SDKs all call).
import type { Protocol } from '../core/types';

/** The three model-list shapes; the Responses API lists models in OpenAI's. */
export type CredentialStyle = 'openai' | 'anthropic' | 'gemini';

/**
 * The SDK a request comes from, by how it presents itself: Google's send `x-goog-api-key`
 * (or `?key=`), Anthropic's send `anthropic-version` and `x-api-key`, everything else is
 * OpenAI-style (a bearer token).
 */
export function credentialStyle(headers: Headers, url: URL): CredentialStyle {
  if (headers.has('x-goog-api-key') || url.searchParams.has('key')) return 'gemini';
  if (headers.has('anthropic-version') || headers.has('x-api-key')) return 'anthropic';
  return 'openai';
}

/**
 * The protocol to answer in when no route decided it: the path first (`/v1/responses*`,
 * `/v1/messages*`, `/v1beta/*`, Gemini's `models/{model}:{method}`), then the credential
 * style. The admin and internal APIs always answer in OpenAI's shape.
 */
export function callerProtocol(request: Request): Protocol {
  const url = new URL(request.url);
  const path = url.pathname;
  if (path.startsWith('/admin/') || path.startsWith('/internal/')) return 'openai';
  if (path === '/v1/responses' || path.startsWith('/v1/responses/')) return 'openai-responses';
  if (path === '/v1/messages' || path.startsWith('/v1/messages/')) return 'anthropic';
  if (path.startsWith('/v1beta/') || path.startsWith('/v1/tunedModels') || /\/models\/[^/]*:/.test(path)) return 'gemini';
  return credentialStyle(request.headers, url);
}
