// callerProtocol (worker/routes/caller-protocol.ts) runs on every request and no longer parses
// the URL: it reads the path straight from request.url. The invariant: for any request the
// runtime can hand us, the answer is the one the URL parse gave (the reference below is the
// code it replaced), and pathOf is exactly URL's pathname.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../../worker/core/types';
import { callerProtocol, pathOf } from '../../worker/routes/caller-protocol';

function referenceProtocol(request: Request): Protocol {
  const url = new URL(request.url);
  const path = url.pathname;
  if (path.startsWith('/admin/') || path.startsWith('/internal/')) return 'openai';
  if (path === '/v1/responses' || path.startsWith('/v1/responses/')) return 'openai-responses';
  if (path === '/v1/messages' || path.startsWith('/v1/messages/')) return 'anthropic';
  if (path.startsWith('/v1beta/') || path.startsWith('/v1/tunedModels') || /\/models\/[^/]*:/.test(path)) return 'gemini';
  if (request.headers.has('x-goog-api-key') || url.searchParams.has('key')) return 'gemini';
  if (request.headers.has('anthropic-version') || request.headers.has('x-api-key')) return 'anthropic';
  return 'openai';
}

const segment = fc.oneof(
  fc.constantFrom('v1', 'v1beta', 'admin', 'internal', 'responses', 'messages', 'models', 'tunedModels', 'chat', 'completions', '', '.', '..', '%2e%2e', 'm:generateContent', 'a%2Fb', 'é', '?', '#', '%3F', 'key'),
  fc.string({ maxLength: 6 }),
);
const path = fc.array(segment, { maxLength: 6 }).map((segments) => `/${segments.join('/')}`);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?key=k', '?a=1&key', '?keys=1', '?x=key', '?', '?%6Bey=1', '?key', '#?key=1', '?a#key=1'),
  fc.string({ maxLength: 12 }).map((text) => `?${text}`),
);
const origin = fc.constantFrom('http://worker', 'https://gateway.example:8443', 'http://127.0.0.1:8787', 'http://user:pass@host');
const headers = fc.subarray(['x-goog-api-key', 'anthropic-version', 'x-api-key', 'authorization']);

describe('callerProtocol without a URL parse', () => {
  it('answers what the URL parse answered, for any request URL and credential headers', () => {
    fc.assert(
      fc.property(origin, path, query, headers, (base, requestPath, requestQuery, names) => {
        let request: Request;
        try {
          request = new Request(`${base}${requestPath}${requestQuery}`, { headers: Object.fromEntries(names.map((name) => [name, 'k'])) });
        } catch {
          return; // not a URL the runtime would hand a worker
        }
        expect(pathOf(request.url)).toBe(new URL(request.url).pathname);
        expect(callerProtocol(request)).toBe(referenceProtocol(request));
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads the path of the URLs the gateway serves', () => {
    expect(pathOf('http://worker/v1/chat/completions')).toBe('/v1/chat/completions');
    expect(pathOf('http://worker/')).toBe('/');
    expect(pathOf('https://h:1/v1beta/models/m:generateContent?key=k#x')).toBe('/v1beta/models/m:generateContent');
    expect(pathOf('http://h/a#b?c')).toBe('/a');
  });
});
