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
export function credentialStyle(headers: Headers, url: URL | string): CredentialStyle {
  if (headers.has('x-goog-api-key') || hasKeyParameter(url)) return 'gemini';
  if (headers.has('anthropic-version') || headers.has('x-api-key')) return 'anthropic';
  return 'openai';
}

/**
 * The protocol to answer in when no route decided it: the path first (`/v1/responses*`,
 * `/v1/messages*`, `/v1beta/*`, Gemini's `models/{model}:{method}`), then the credential
 * style. The admin and internal APIs always answer in OpenAI's shape.
 *
 * Runs on every request (app.ts), so it reads the path straight from `request.url` instead of
 * parsing it into a URL (~4 % of the isolate's time per request, docs/perf-notes-runtime.md);
 * equal to the URL parse for every request URL (fast-check: test/worker/caller-protocol-hot-path.test.ts).
 */
export function callerProtocol(request: Request): Protocol {
  const path = pathOf(request.url);
  if (path.startsWith('/admin/') || path.startsWith('/internal/')) return 'openai';
  if (path === '/v1/responses' || path.startsWith('/v1/responses/')) return 'openai-responses';
  if (path === '/v1/messages' || path.startsWith('/v1/messages/')) return 'anthropic';
  if (path.startsWith('/v1beta/') || path.startsWith('/v1/tunedModels') || /\/models\/[^/]*:/.test(path)) return 'gemini';
  return credentialStyle(request.headers, request.url);
}

/**
 * `new URL(url).pathname` for a request's URL: always absolute and already serialised (the
 * runtime parsed it), so the path is what follows the authority, up to a query or fragment.
 */
export function pathOf(url: string): string {
  const authority = url.indexOf('://');
  const start = url.indexOf('/', authority < 0 ? 0 : authority + 3);
  if (start < 0) return '/';
  let end = url.length;
  for (let index = start; index < url.length; index++) {
    const character = url.charCodeAt(index);
    if (character === 63 /* ? */ || character === 35 /* # */) {
      end = index;
      break;
    }
  }
  return url.slice(start, end);
}

/** `?key=` (Gemini's query credential). A URL without `?` has no query: no parse needed. */
function hasKeyParameter(url: URL | string): boolean {
  if (typeof url !== 'string') return url.searchParams.has('key');
  return url.includes('?') && new URL(url).searchParams.has('key');
}
