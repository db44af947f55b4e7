// Hostile input for every client route, as data: each case is one exact HTTP request the
// gateway must refuse with a 4xx in the caller's protocol, before any upstream is called.
// `ABSURD_BUT_LEGAL` holds requests that are odd but valid (the gateway may serve them);
// those only must never be a 5xx. hostile-input.test.ts sends both lists to the real stack.
import { MAIN_KEY } from './helpers';

export type ClientProtocol = 'openai' | 'anthropic' | 'gemini';

export interface HostileCase {
  name: string;
  protocol: ClientProtocol;
  method: string;
  /** Path and query, sent as written (raw cases are not normalised by a URL parser). */
  path: string;
  /** Header pairs, in order; a name may repeat (raw cases only keep repeats apart). */
  headers: Array<[string, string]>;
  body?: Uint8Array;
  /**
   * How it is sent: `fetch` (undici), `stream` (fetch with a chunked body, no
   * content-length) or `raw` (bytes on a socket, for what undici refuses or normalises).
   */
  transport: 'fetch' | 'stream' | 'raw';
  /** Expected status when the contract pins it; otherwise any 4xx. */
  status?: number | readonly number[];
  /** A gateway bug this case exposes today (reported; the test expects the failure until it is fixed). */
  knownBug?: string;
}

/** The limit the e2e stack runs with (global-setup.ts: MAX_BODY_BYTES). */
export const E2E_MAX_BODY_BYTES = 1024 * 1024;
const DEPTH = 100_000;

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const concat = (...parts: Uint8Array[]) => {
  const output = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.byteLength;
  }
  return output;
};

const AUTH: [string, string] = ['authorization', `Bearer ${MAIN_KEY}`];
const JSON_TYPE: [string, string] = ['content-type', 'application/json'];
const DEFAULT_HEADERS: Array<[string, string]> = [AUTH, JSON_TYPE];

const hi = [{ role: 'user', content: 'hi' }];
const geminiHi = [{ role: 'user', parts: [{ text: 'hi' }] }];

interface Route {
  label: string;
  protocol: ClientProtocol;
  path: string;
  /** A valid body for this route (the hostile cases are variations of it). */
  valid: Record<string, unknown>;
}

export const ROUTES: Route[] = [
  { label: 'chat', protocol: 'openai', path: '/v1/chat/completions', valid: { model: 'gpt-test', messages: hi } },
  { label: 'embeddings', protocol: 'openai', path: '/v1/embeddings', valid: { model: 'embed-test', input: 'hi' } },
  { label: 'messages', protocol: 'anthropic', path: '/v1/messages', valid: { model: 'm-anthropic', max_tokens: 16, messages: hi } },
  { label: 'count_tokens', protocol: 'anthropic', path: '/v1/messages/count_tokens', valid: { model: 'm-anthropic', messages: hi } },
  { label: 'generateContent', protocol: 'gemini', path: '/v1beta/models/m-gemini:generateContent', valid: { contents: geminiHi } },
  {
    label: 'streamGenerateContent',
    protocol: 'gemini',
    path: '/v1beta/models/m-gemini:streamGenerateContent?alt=sse',
    valid: { contents: geminiHi },
  },
  // The Responses API answers errors in OpenAI's shape.
  { label: 'responses', protocol: 'openai', path: '/v1/responses', valid: { model: 'gpt-test', input: 'hi' } },
  { label: 'responses input_tokens', protocol: 'openai', path: '/v1/responses/input_tokens', valid: { model: 'gpt-test', input: 'hi' } },
  // Gemini on v1 (`@google/genai` 3.x's default) as well as v1beta.
  { label: 'v1 generateContent', protocol: 'gemini', path: '/v1/models/m-gemini:generateContent', valid: { contents: geminiHi } },
  { label: 'v1 streamGenerateContent', protocol: 'gemini', path: '/v1/models/m-gemini:streamGenerateContent?alt=sse', valid: { contents: geminiHi } },
  { label: 'v1 countTokens', protocol: 'gemini', path: '/v1/models/m-gemini:countTokens', valid: { contents: geminiHi } },
  { label: 'v1beta countTokens', protocol: 'gemini', path: '/v1beta/models/m-gemini:countTokens', valid: { contents: geminiHi } },
  { label: 'v1beta embedContent', protocol: 'gemini', path: '/v1beta/models/embed-test:embedContent', valid: { content: { parts: [{ text: 'hi' }] } } },
  {
    label: 'v1 batchEmbedContents',
    protocol: 'gemini',
    path: '/v1/models/embed-test:batchEmbedContents',
    valid: { requests: [{ model: 'models/embed-test', content: { parts: [{ text: 'hi' }] } }] },
  },
];

/** Looks a route up by label (the lists below are built from these). */
function route(label: string): Route {
  const found = ROUTES.find((entry) => entry.label === label);
  if (!found) throw new Error(`no route ${label}`);
  return found;
}

function json(route: Route, name: string, body: string | Uint8Array, extra: Partial<HostileCase> = {}): HostileCase {
  return {
    name: `${route.label} · ${name}`,
    protocol: route.protocol,
    method: 'POST',
    path: route.path,
    headers: DEFAULT_HEADERS,
    body: typeof body === 'string' ? bytes(body) : body,
    transport: 'fetch',
    status: 400,
    ...extra,
  };
}

/** The route's valid body with `patch` merged over it (a key set to undefined is removed). */
function variant(route: Route, patch: Record<string, unknown>): string {
  return JSON.stringify({ ...route.valid, ...patch });
}

/** Every route gets these: broken JSON, wrong top-level types, size, depth, encoding, pollution, methods, content types. */
function genericCases(route: Route): HostileCase[] {
  const valid = JSON.stringify(route.valid);
  const required = Object.keys(route.valid);
  const withoutRequired = Object.fromEntries(Object.entries(route.valid).filter(([key]) => key !== required[0]));
  const huge = JSON.stringify({ ...route.valid, padding: 'x'.repeat(E2E_MAX_BODY_BYTES + 64 * 1024) });
  return [
    json(route, 'truncated JSON', valid.slice(0, Math.floor(valid.length / 2))),
    json(route, 'a key without quotes', valid.replace('"', '')),
    json(route, 'malformed: bare word', '{"model": gpt-test}'),
    json(route, 'trailing garbage after the document', `${valid}}`),
    json(route, 'two JSON documents', `${valid}${valid}`),
    json(route, 'single quotes', valid.replaceAll('"', "'")),
    json(route, 'trailing comma', `${valid.slice(0, -1)},}`),
    json(route, 'NaN literal', `${valid.slice(0, -1)},"temperature":NaN}`),
    json(route, 'body is null', 'null'),
    json(route, 'body is an array', `[${valid}]`),
    json(route, 'body is a string', JSON.stringify(valid)),
    json(route, 'body is a number', '42'),
    json(route, 'empty body', ''),
    json(route, 'whitespace body', ' \n\t '),
    json(route, 'empty object', '{}'),
    json(route, `missing ${required[0]}`, JSON.stringify(withoutRequired)),
    json(route, 'over the size limit (content-length)', huge, { status: 413 }),
    json(route, 'over the size limit (chunked, no content-length)', huge, { status: 413, transport: 'stream' }),
    json(route, 'content-length claims 100 GB', valid, {
      status: 413,
      transport: 'raw',
      headers: [...DEFAULT_HEADERS, ['content-length', '100000000000']],
    }),
    json(route, `${DEPTH} levels of [ unterminated`, '['.repeat(DEPTH)),
    json(route, `${DEPTH} levels of [ closed`, `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`),
    json(route, `${DEPTH} levels of {"a": closed`, `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`),
    json(route, 'invalid UTF-8 byte 0xFF in a string', concat(bytes(valid.slice(0, valid.indexOf('hi'))), Uint8Array.of(0xff, 0xfe), bytes(valid.slice(valid.indexOf('hi'))))),
    json(route, 'UTF-8 encoded lone surrogate', concat(bytes(valid.slice(0, valid.indexOf('hi'))), Uint8Array.of(0xed, 0xa0, 0x80), bytes(valid.slice(valid.indexOf('hi'))))),
    json(route, 'overlong UTF-8 encoding of "/"', concat(bytes(valid.slice(0, valid.indexOf('hi'))), Uint8Array.of(0xc0, 0xaf), bytes(valid.slice(valid.indexOf('hi'))))),
    json(route, 'truncated multi-byte sequence at the end', concat(bytes(valid), Uint8Array.of(0xe2, 0x82))),
    json(route, 'UTF-16LE with BOM', concat(Uint8Array.of(0xff, 0xfe), new Uint8Array(Buffer.from(valid, 'utf16le')))),
    json(route, 'BOM before an invalid body', concat(Uint8Array.of(0xef, 0xbb, 0xbf), bytes('{}'))),
    json(route, 'BOM inside the document', `{\uFEFF${valid.slice(1)}`),
    json(route, 'raw NUL and control characters inside a string', valid.replace('hi', 'h\u0000\u0001\u001fi')),
    json(route, '__proto__ supplying every required field', `{"__proto__":${valid}}`),
    json(route, 'constructor.prototype supplying every required field', `{"constructor":{"prototype":${valid}}}`),
    json(route, '__proto__ nested inside the first field', variant(route, { [required[0]!]: '__PROTO__' }).replace('"__PROTO__"', `{"__proto__":${JSON.stringify(route.valid[required[0]!])}}`)),
    { ...json(route, 'GET on a POST route', ''), method: 'GET', body: undefined, status: [404, 405] },
    { ...json(route, 'PUT on a POST route', valid), method: 'PUT', status: [404, 405] },
    { ...json(route, 'DELETE on a POST route', ''), method: 'DELETE', body: undefined, status: [404, 405] },
    json(route, 'form-urlencoded body', 'model=gpt-test&messages=hi', {
      headers: [AUTH, ['content-type', 'application/x-www-form-urlencoded']],
    }),
    json(route, 'multipart body', '--x\r\ncontent-disposition: form-data; name="model"\r\n\r\ngpt-test\r\n--x--\r\n', {
      headers: [AUTH, ['content-type', 'multipart/form-data; boundary=x']],
    }),
    json(route, 'no content-type and a truncated body', valid.slice(0, 5), { headers: [AUTH] }),
  ];
}

function openaiChatCases(route: Route): HostileCase[] {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['model is a number', { model: 42 }],
    ['model is null', { model: null }],
    ['model is an object', { model: { id: 'gpt-test' } }],
    ['model is empty', { model: '' }],
    ['model of 10k characters', { model: 'm'.repeat(10_000) }],
    ['messages is a string', { messages: 'hello' }],
    ['messages is an object', { messages: { role: 'user', content: 'hi' } }],
    ['messages is empty', { messages: [] }],
    ['__proto__ supplying a message\'s role and content', { messages: [{ __PROTO_MESSAGE__: 1 }] }],
    ['a message is null', { messages: [null] }],
    ['a message is a number', { messages: [42] }],
    ['role is a number', { messages: [{ role: 42, content: 'hi' }] }],
    ['role is unknown', { messages: [{ role: 'root', content: 'hi' }] }],
    ['content is a number', { messages: [{ role: 'user', content: 42 }] }],
    ['content part is null', { messages: [{ role: 'user', content: [null] }] }],
    ['content part text is an object', { messages: [{ role: 'user', content: [{ type: 'text', text: {} }] }] }],
    ['10k messages, the last with content null', { messages: [...Array.from({ length: 10_000 }, () => ({ role: 'user', content: '' })), { role: 'user', content: null }] }],
    ['max_tokens negative', { max_tokens: -1 }],
    ['max_tokens zero', { max_tokens: 0 }],
    ['max_tokens 1e308', { max_tokens: 1e308 }],
    ['max_tokens "NaN"', { max_tokens: 'NaN' }],
    ['max_tokens beyond 2^53', { max_tokens: 2 ** 53 + 2 }],
    ['max_completion_tokens a string', { max_completion_tokens: '100' }],
    ['temperature 1e308', { temperature: 1e308 }],
    ['temperature negative', { temperature: -1 }],
    ['temperature "hot"', { temperature: 'hot' }],
    ['top_p 2', { top_p: 2 }],
    ['stream "yes"', { stream: 'yes' }],
    ['stream 1', { stream: 1 }],
    ['stream_options a string', { stream: true, stream_options: 'yes' }],
    ['tools a string', { tools: 'all' }],
    ['tool without a function name', { tools: [{ type: 'function', function: {} }] }],
    ['tool_choice unknown', { tool_choice: 'sometimes' }],
    ['response_format unknown', { response_format: { type: 'yaml' } }],
    ['stop of numbers', { stop: [1, 2] }],
    ['models fallback a string', { models: 'gpt-test' }],
    ['provider.order a string', { provider: { order: 'ch-a' } }],
    ['route.mode unknown', { route: { mode: 'chaos' } }],
  ];
  const list = cases.map(([name, patch]) =>
    json(route, name, variant(route, patch).replace('"__PROTO_MESSAGE__":1', '"__proto__":{"role":"user","content":"hi"}')),
  );
  list.push(json(route, 'max_tokens 1e400 (parses to Infinity)', variant(route, { max_tokens: 1 }).replace('"max_tokens":1', '"max_tokens":1e400')));
  list.push(json(route, 'unknown fallback model', variant(route, { models: ['no-such-model'] })));
  return list;
}

function embeddingCases(route: Route): HostileCase[] {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['model is a number', { model: 42 }],
    ['model of 10k characters', { model: 'e'.repeat(10_000) }],
    ['input is null', { input: null }],
    ['input is an empty array', { input: [] }],
    ['input is an array of empty arrays', { input: [[]] }],
    ['input is an object', { input: { text: 'hi' } }],
    ['input tokens are fractions', { input: [1.5] }],
    ['input of mixed types', { input: ['hi', 42] }],
  ];
  return cases.map(([name, patch]) => json(route, name, variant(route, patch)));
}

function anthropicCases(route: Route): HostileCase[] {
  const messages = route.label === 'messages';
  const cases: Array<[string, Record<string, unknown>]> = [
    ['model is a number', { model: 42 }],
    ['model of 10k characters', { model: 'c'.repeat(10_000) }],
    ['messages is a string', { messages: 'hello' }],
    ['messages is empty', { messages: [] }],
    // A system role inside messages is valid now (Anthropic accepts it); an unknown role is not.
    ['role unknown inside messages', { messages: [{ role: 'root', content: 'x' }] }],
    ['content is a number', { messages: [{ role: 'user', content: 42 }] }],
    ['text block without text', { messages: [{ role: 'user', content: [{ type: 'text' }] }] }],
    ['tool_use block without input', { messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n' }] }] }],
    ['image block without media type', { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64' } }] }] }],
    ['system is a number', { system: 42 }],
    ['tools is a string', { tools: 'all' }],
    ['tool_choice tool without a name', { tool_choice: { type: 'tool' } }],
    ['thinking without a budget', { thinking: { type: 'enabled' } }],
  ];
  if (messages) {
    cases.push(
      ['max_tokens missing', { max_tokens: undefined }],
      ['max_tokens negative', { max_tokens: -5 }],
      ['max_tokens 1e308', { max_tokens: 1e308 }],
      ['max_tokens "NaN"', { max_tokens: 'NaN' }],
      ['temperature 1e308', { temperature: 1e308 }],
      ['temperature 2', { temperature: 2 }],
      ['stream "yes"', { stream: 'yes' }],
      ['stop_sequences of numbers', { stop_sequences: [1] }],
      ['metadata a string', { metadata: 'x' }],
    );
  }
  return cases.map(([name, patch]) => json(route, name, variant(route, patch)));
}

function geminiCases(route: Route): HostileCase[] {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['contents missing', { contents: undefined }],
    ['contents is a string', { contents: 'hi' }],
    ['contents is empty', { contents: [] }],
    ['parts is empty', { contents: [{ role: 'user', parts: [] }] }],
    ['role unknown', { contents: [{ role: 'robot', parts: [{ text: 'x' }] }] }],
    ['text is a number', { contents: [{ parts: [{ text: 5 }] }] }],
    ['functionCall without a name', { contents: [{ parts: [{ functionCall: { args: {} } }] }] }],
    ['generationConfig a string', { generationConfig: 'fast' }],
    ['maxOutputTokens negative', { generationConfig: { maxOutputTokens: -1 } }],
    ['maxOutputTokens 1e308', { generationConfig: { maxOutputTokens: 1e308 } }],
    ['maxOutputTokens "NaN"', { generationConfig: { maxOutputTokens: 'NaN' } }],
    ['temperature 1e308', { generationConfig: { temperature: 1e308 } }],
    ['candidateCount 9', { generationConfig: { candidateCount: 9 } }],
    ['mode unknown', { toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } } }],
    ['tools a string', { tools: 'all' }],
  ];
  return cases.map(([name, patch]) => json(route, name, variant(route, patch)));
}

/** Model names in the Gemini path: length, traversal, encodings. Sent raw so no URL parser tidies them. */
function geminiPathCases(): HostileCase[] {
  const body = bytes(JSON.stringify({ contents: geminiHi }));
  const at = (name: string, path: string, status?: number | readonly number[], extra: Partial<HostileCase> = {}): HostileCase => ({
    name: `gemini path · ${name}`,
    protocol: 'gemini',
    method: 'POST',
    path,
    headers: DEFAULT_HEADERS,
    body,
    transport: 'raw',
    status,
    ...extra,
  });
  // Malformed escapes in the path (Hono leaves them undecoded) must be a plain 4xx, never a 500.
  return [
    at('model of 10k characters', `/v1beta/models/${'g'.repeat(10_000)}:generateContent`, 400),
    at('model of 10k characters, stream', `/v1beta/models/${'g'.repeat(10_000)}:streamGenerateContent?alt=sse`, 400),
    at('empty model', '/v1beta/models/:generateContent'),
    at('no method', '/v1beta/models/m-gemini', 404),
    at('unknown method', '/v1beta/models/m-gemini:deleteEverything', 404),
    at('method in the wrong case', '/v1beta/models/m-gemini:generatecontent', 404),
    at('tunings are not served', '/v1beta/tunedModels/t1:generateContent', 404),
    at('encoded colon before the method', '/v1beta/models/m-gemini%3AgenerateContent', 404),
    at('v1: encoded colon before the method', '/v1/models/m-gemini%3agenerateContent', 404),
    at('v1: model of 10k characters', `/v1/models/${'g'.repeat(10_000)}:generateContent`, 400),
    at('v1: model of 10k characters, countTokens', `/v1/models/${'g'.repeat(10_000)}:countTokens`, 400),
    at('v1: model of 10k characters, batchEmbedContents', `/v1/models/${'g'.repeat(10_000)}:batchEmbedContents`, 400),
    at('v1: unknown method', '/v1/models/m-gemini:deleteEverything', 404),
    at('v1: path traversal with ..%2f', '/v1/models/..%2f..%2finternal%2fflush:generateContent'),
    at('v1: encoded NUL in the model', '/v1/models/m-gemini%00:streamGenerateContent?alt=sse'),
    at('v1: malformed percent-encoding', '/v1/models/m-gemini%E0%A4%A:generateContent'),
    // The URL parser resolves the dot segments to /admin/config:generateContent: an admin
    // path, so the refusal is the admin API's (OpenAI-shaped) 401, as for any admin call.
    at('path traversal with ..', '/v1beta/models/../../admin/config:generateContent', 401, { protocol: 'openai' }),
    at('path traversal with %2e%2e%2f', '/v1beta/models/%2e%2e%2f%2e%2e%2fadmin%2fconfig:generateContent'),
    at('path traversal with ..%2f', '/v1beta/models/..%2f..%2finternal%2fflush:generateContent'),
    at('double-encoded traversal', '/v1beta/models/%252e%252e%252fadmin:generateContent'),
    at('malformed percent-encoding', '/v1beta/models/m-gemini%E0%A4%A:generateContent', undefined),
    at('lone percent sign', '/v1beta/models/m%:generateContent', undefined),
    at('percent sign before the method', '/v1beta/models/m-gemini%:streamGenerateContent?alt=sse', undefined),
    at('encoded NUL in the model', '/v1beta/models/m-gemini%00:generateContent'),
    at('encoded newline in the model', '/v1beta/models/m-gemini%0d%0ax-injected:%20yes:generateContent'),
    at('encoded slash and query in the model', '/v1beta/models/m-gemini%2f%3fkey%3dx:generateContent'),
    at('model followed by a second method', '/v1beta/models/m-gemini:generateContent:generateContent'),
    at('models/ prefix twice', '/v1beta/models/models/models/m-gemini:generateContent'),
    at('another catalog model, with a traversal prefix', '/v1beta/models/..%2fgpt-test:generateContent'),
  ];
}

/** Credentials: absurd, duplicated, malformed. Auth comes first, so the body is valid. */
function headerCases(): HostileCase[] {
  const routes = [ROUTES[0]!, ROUTES[2]!, ROUTES[4]!, route('responses'), route('v1 generateContent'), route('v1beta embedContent')];
  const output: HostileCase[] = [];
  for (const route of routes) {
    const body = bytes(JSON.stringify(route.valid));
    const at = (name: string, headers: Array<[string, string]>, transport: HostileCase['transport'] = 'fetch', status: number | readonly number[] = 401): HostileCase => ({
      name: `${route.label} · ${name}`,
      protocol: route.protocol,
      method: 'POST',
      path: route.path,
      headers,
      body,
      transport,
      status,
    });
    output.push(
      at('no credentials', [JSON_TYPE]),
      at('Authorization of 16 KiB', [['authorization', `Bearer ${'k'.repeat(16 * 1024)}`], JSON_TYPE]),
      at('Authorization of 60 KiB', [['authorization', `Bearer ${'k'.repeat(60 * 1024)}`], JSON_TYPE], 'fetch', [400, 401, 413, 431]),
      at('two Authorization headers (valid, then bogus)', [AUTH, ['authorization', 'Bearer sk-bogus'], JSON_TYPE], 'raw'),
      at('two Authorization headers (bogus, then valid)', [['authorization', 'Bearer sk-bogus'], AUTH, JSON_TYPE], 'raw'),
      at('bearer with control characters', [['authorization', `Bearer ${MAIN_KEY}\u0001\u007f`], JSON_TYPE], 'raw'),
      at('bearer with an embedded tab and a second token', [['authorization', `Bearer ${MAIN_KEY}\tsk-other`], JSON_TYPE], 'raw'),
      at('bearer with bytes above 0x7F', [['authorization', `Bearer ${MAIN_KEY}\u00ff`], JSON_TYPE], 'raw'),
      at('empty bearer', [['authorization', 'Bearer '], JSON_TYPE]),
      at('Basic scheme with the key', [['authorization', `Basic ${Buffer.from(`${MAIN_KEY}:`).toString('base64')}`], JSON_TYPE]),
      at('key with SQL in it', [['authorization', "Bearer sk-' OR '1'='1"], JSON_TYPE]),
    );
  }
  output.push(
    {
      name: 'messages · x-api-key of 16 KiB',
      protocol: 'anthropic',
      method: 'POST',
      path: '/v1/messages',
      headers: [['x-api-key', 'a'.repeat(16 * 1024)], JSON_TYPE],
      body: bytes(JSON.stringify(ROUTES[2]!.valid)),
      transport: 'fetch',
      status: 401,
    },
    {
      name: 'generateContent · ?key= of 10k characters',
      protocol: 'gemini',
      method: 'POST',
      path: `/v1beta/models/m-gemini:generateContent?key=${'g'.repeat(10_000)}`,
      headers: [JSON_TYPE],
      body: bytes(JSON.stringify(ROUTES[4]!.valid)),
      transport: 'fetch',
      status: 401,
    },
    {
      name: 'generateContent · x-goog-api-key with control characters',
      protocol: 'gemini',
      method: 'POST',
      path: '/v1beta/models/m-gemini:generateContent',
      headers: [['x-goog-api-key', `${MAIN_KEY}\u0002`], JSON_TYPE],
      body: bytes(JSON.stringify(ROUTES[4]!.valid)),
      transport: 'raw',
      status: 401,
    },
  );
  return output;
}

function responsesCases(route: Route): HostileCase[] {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['model is a number', { model: 42 }],
    ['model is null', { model: null }],
    ['model of 10k characters', { model: 'r'.repeat(10_000) }],
    ['input is a number', { input: 42 }],
    ['input is an object', { input: { role: 'user', content: 'hi' } }],
    ['an input item is null', { input: [null] }],
    ['an input message with a numeric role', { input: [{ role: 42, content: 'hi' }] }],
    ['an input message with numeric content', { input: [{ role: 'user', content: 42 }] }],
    ['instructions is a number', { instructions: 42 }],
    ['tools a string', { tools: 'all' }],
    ['a function tool without a name', { tools: [{ type: 'function', parameters: {} }] }],
  ];
  if (route.label === 'responses') {
    cases.push(
      ['stream "yes"', { stream: 'yes' }],
      ['max_output_tokens negative', { max_output_tokens: -1 }],
      ['max_output_tokens "NaN"', { max_output_tokens: 'NaN' }],
      ['temperature "hot"', { temperature: 'hot' }],
      ['reasoning a string', { reasoning: 'lots' }],
    );
  }
  return cases.map(([name, patch]) => json(route, name, variant(route, patch)));
}

/** countTokens reads only `contents` (answered locally): the generation settings are not checked. */
function countTokensCases(route: Route): HostileCase[] {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['contents is a string', { contents: 'hi' }],
    ['contents is empty', { contents: [] }],
    ['parts is empty', { contents: [{ role: 'user', parts: [] }] }],
    ['text is a number', { contents: [{ parts: [{ text: 5 }] }] }],
    ['role unknown', { contents: [{ role: 'robot', parts: [{ text: 'x' }] }] }],
  ];
  return cases.map(([name, patch]) => json(route, name, variant(route, patch)));
}

function embedContentCases(route: Route): HostileCase[] {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['content is a string', { content: 'hi' }],
    ['content is null', { content: null }],
    ['parts is a string', { content: { parts: 'hi' } }],
    ['text is a number', { content: { parts: [{ text: 5 }] } }],
  ];
  return cases.map(([name, patch]) => json(route, name, variant(route, patch)));
}

function batchEmbedCases(route: Route): HostileCase[] {
  const one = { model: 'models/embed-test', content: { parts: [{ text: 'hi' }] } };
  const cases: Array<[string, Record<string, unknown>]> = [
    ['requests is a string', { requests: 'hi' }],
    ['requests is empty', { requests: [] }],
    ['a request is null', { requests: [null] }],
    ['a request without content', { requests: [{ model: 'models/embed-test' }] }],
    ['a request with numeric content', { requests: [{ ...one, content: 5 }] }],
    ['10k requests (over the 2,048 limit)', { requests: Array.from({ length: 10_000 }, () => one) }],
  ];
  return cases.map(([name, patch]) => json(route, name, variant(route, patch)));
}

/** GET /{v1,v1beta}/models[/{model}]: credentials in each SDK's place, hostile names. */
function modelListCases(): HostileCase[] {
  const get = (name: string, protocol: ClientProtocol, path: string, headers: Array<[string, string]>, status: number | readonly number[], transport: HostileCase['transport'] = 'fetch'): HostileCase => ({
    name: `models · ${name}`,
    protocol,
    method: 'GET',
    path,
    headers,
    transport,
    status,
  });
  const google: [string, string] = ['x-goog-api-key', MAIN_KEY];
  return [
    get('v1 without credentials', 'openai', '/v1/models', [], 401),
    get('v1 with a wrong bearer', 'openai', '/v1/models', [['authorization', 'Bearer sk-wrong']], 401),
    get('v1 with a wrong x-api-key', 'anthropic', '/v1/models', [['x-api-key', 'sk-wrong'], ['anthropic-version', '2023-06-01']], 401),
    get('v1 with a wrong ?key=', 'gemini', '/v1/models?key=wrong', [], 401),
    get('v1beta with a wrong x-goog-api-key', 'gemini', '/v1beta/models', [['x-goog-api-key', 'wrong']], 401),
    get('v1beta without credentials', 'gemini', '/v1beta/models', [], 401),
    get('v1beta one model without credentials', 'gemini', '/v1beta/models/m-gemini', [], 401),
    get('unknown model, OpenAI style', 'openai', '/v1/models/no-such-model', [AUTH], 404),
    get('unknown model, Anthropic style', 'anthropic', '/v1/models/no-such-model', [['x-api-key', MAIN_KEY]], 404),
    get('unknown model, Gemini style', 'gemini', '/v1beta/models/no-such-model', [google], 404),
    get('model of 10k characters', 'openai', `/v1/models/${'m'.repeat(10_000)}`, [AUTH], 404),
    get('v1beta model of 10k characters', 'gemini', `/v1beta/models/${'m'.repeat(10_000)}`, [google], 404),
    get('a method as a GET', 'gemini', '/v1beta/models/m-gemini:generateContent', [google], 404),
    get('an encoded colon and method as a GET', 'gemini', '/v1/models/m-gemini%3AgenerateContent', [google], 404),
    get('traversal to the admin API', 'openai', '/v1/models/..%2f..%2fadmin%2fusers', [AUTH], 404, 'raw'),
    get('malformed percent-encoding', 'openai', '/v1/models/gpt-test%E0%A4%A', [AUTH], 404, 'raw'),
    get('an encoded NUL', 'gemini', '/v1beta/models/m-gemini%00', [google], 404, 'raw'),
  ];
}

/** The stateless gateway stores no responses: a wrong key is a 401, a right one a 404. */
function storedResponseCases(): HostileCase[] {
  const at = (name: string, method: string, path: string, headers: Array<[string, string]>, status: number): HostileCase => ({
    name: `stored response · ${name}`,
    protocol: 'openai',
    method,
    path,
    headers,
    transport: 'fetch',
    status,
  });
  const wrong: [string, string] = ['authorization', 'Bearer sk-wrong'];
  return [
    at('GET with a wrong key', 'GET', '/v1/responses/resp_1', [wrong], 401),
    at('DELETE with a wrong key', 'DELETE', '/v1/responses/resp_1', [wrong], 401),
    at('cancel without a key', 'POST', '/v1/responses/resp_1/cancel', [], 401),
    at('GET', 'GET', '/v1/responses/resp_1', [AUTH], 404),
    at('DELETE', 'DELETE', '/v1/responses/resp_1', [AUTH], 404),
    at('cancel', 'POST', '/v1/responses/resp_1/cancel', [AUTH], 404),
    at('input_items', 'GET', '/v1/responses/resp_1/input_items', [AUTH], 404),
    at('an id of 10k characters', 'GET', `/v1/responses/${'r'.repeat(10_000)}`, [AUTH], 404),
  ];
}

export const HOSTILE_CASES: HostileCase[] = [
  ...ROUTES.flatMap(genericCases),
  ...openaiChatCases(ROUTES[0]!),
  ...embeddingCases(ROUTES[1]!),
  ...anthropicCases(ROUTES[2]!),
  ...anthropicCases(ROUTES[3]!),
  ...geminiCases(ROUTES[4]!),
  ...geminiCases(ROUTES[5]!),
  ...geminiPathCases(),
  ...headerCases(),
  ...responsesCases(route('responses')),
  ...responsesCases(route('responses input_tokens')),
  ...geminiCases(route('v1 generateContent')),
  ...countTokensCases(route('v1 countTokens')),
  ...embedContentCases(route('v1beta embedContent')),
  ...batchEmbedCases(route('v1 batchEmbedContents')),
  ...modelListCases(),
  ...storedResponseCases(),
];

export interface LegalCase extends HostileCase {
  /** What a correct gateway may answer. */
  status: readonly number[];
}

/** Odd but valid: served (200) or refused (4xx), never a 5xx. These may reach an upstream. */
export function absurdButLegal(): LegalCase[] {
  const chat = ROUTES[0]!;
  const messages = ROUTES[2]!;
  const gemini = ROUTES[4]!;
  const deepObject = (leaf: string) => `${'{"a":'.repeat(DEPTH)}${leaf}${'}'.repeat(DEPTH)}`;
  const SERVED_OR_REFUSED = [200, 400, 413, 415, 422];
  const served = (route: Route, name: string, body: string | Uint8Array, headers = DEFAULT_HEADERS, status = SERVED_OR_REFUSED): LegalCase => ({
    ...json(route, name, body),
    headers,
    status,
  });
  // The simulator itself answers 500 to a body nested 100k levels deep (its JSON handling
  // overflows), so when the gateway forwards such a body the honest answer is the upstream
  // class, 502, which is what these may also see.
  const UPSTREAM_MAY_FAIL = [...SERVED_OR_REFUSED, 502];
  const deepToolUse = (model: string) =>
    variant(messages, {
      model,
      messages: [
        { role: 'user', content: 'call it' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { __DEEP__: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done' }] },
      ],
    }).replace('{"__DEEP__":1}', deepObject('1'));
  const deepFunctionCall = () =>
    variant(gemini, {
      contents: [
        { role: 'user', parts: [{ text: 'call it' }] },
        { role: 'model', parts: [{ functionCall: { name: 'f', args: { __DEEP__: 1 } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { ok: true } } }] },
      ],
    }).replace('{"__DEEP__":1}', deepObject('1'));
  const deepToolSchema = () =>
    variant(gemini, {
      contents: [{ role: 'user', parts: [{ text: 'call it' }] }],
      tools: [{ functionDeclarations: [{ name: 'f', parameters: { __DEEP__: 1 } }] }],
    }).replace('{"__DEEP__":1}', deepObject('1'));
  return [
    // To a Gemini channel the body passes through as sent; translated, the schema is converted
    // by a walk over the client's JSON, and too deep is a 400 naming it, not a 5xx.
    served(gemini, `tool schema nested ${DEPTH} levels deep`, deepToolSchema(), DEFAULT_HEADERS, UPSTREAM_MAY_FAIL),
    {
      ...served(gemini, `tool schema nested ${DEPTH} levels deep, translated for an OpenAI channel`, deepToolSchema(), DEFAULT_HEADERS, [400]),
      path: '/v1beta/models/gpt-test:generateContent',
    },
    served(chat, '10k messages of empty content', variant(chat, { messages: Array.from({ length: 10_000 }, () => ({ role: 'user', content: '' })) })),
    served(messages, '10k messages of empty content', variant(messages, { messages: Array.from({ length: 10_000 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: '' })).concat([{ role: 'user', content: '' }]) })),
    served(chat, 'UTF-8 BOM before a valid body', concat(Uint8Array.of(0xef, 0xbb, 0xbf), bytes(JSON.stringify(chat.valid)))),
    served(chat, 'valid JSON sent as text/plain', JSON.stringify(chat.valid), [AUTH, ['content-type', 'text/plain']]),
    served(chat, 'valid JSON without a content-type', JSON.stringify(chat.valid), [AUTH]),
    served(chat, '__proto__ as an extra top-level field', `${JSON.stringify(chat.valid).slice(0, -1)},"__proto__":{"polluted":true,"stream":true}}`),
    served(chat, `unknown field nested ${DEPTH} levels deep`, `${JSON.stringify(chat.valid).slice(0, -1)},"x_deep":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`),
    served(messages, `tool_use input nested ${DEPTH} levels deep`, deepToolUse('m-anthropic'), DEFAULT_HEADERS, UPSTREAM_MAY_FAIL),
    served(messages, `tool_use input nested ${DEPTH} levels deep, translated for an OpenAI channel`, deepToolUse('gpt-test'), DEFAULT_HEADERS, UPSTREAM_MAY_FAIL),
    served(gemini, `functionCall args nested ${DEPTH} levels deep`, deepFunctionCall(), DEFAULT_HEADERS, UPSTREAM_MAY_FAIL),
    {
      ...served(gemini, `functionCall args nested ${DEPTH} levels deep, translated for an OpenAI channel`, deepFunctionCall(), DEFAULT_HEADERS, UPSTREAM_MAY_FAIL),
      path: '/v1beta/models/gpt-test:generateContent',
    },
  ];
}
