// Client routes in every protocol through the Workers runtime: the Responses API routes, Gemini
// on v1 and v1beta, the shared /v1/models routes in each SDK's shape, unknown routes in the
// caller's protocol, and that nothing refused here reached an upstream.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY, applyConfig, call, shapeProblem, watchUpstream } from './routes-setup';

const BEARER = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const WRONG = { authorization: 'Bearer sk-wrong-wrong-wrong', 'content-type': 'application/json' };
let upstream: ReturnType<typeof watchUpstream>;

beforeEach(async () => {
  await applyConfig();
  upstream = watchUpstream();
});
afterEach(() => {
  expect(upstream.calls()).toEqual([]);
  upstream.restore();
});

describe('Responses API', () => {
  it('a wrong key on POST /v1/responses is a 401, never a 404', async () => {
    for (const headers of [WRONG, { 'content-type': 'application/json' }]) {
      const answer = await call('POST', '/v1/responses', headers, JSON.stringify({ model: 'm1', input: 'hi' }));
      expect(answer.status).toBe(401);
      expect(shapeProblem('openai', 401, answer.json)).toBeNull();
      expect(answer.json.error.code).toBe('invalid_api_key');
    }
    expect((await call('POST', '/v1/responses/input_tokens', WRONG, '{}')).status).toBe(401);
  });

  it.each([
    ['GET', '/v1/responses/resp_123'],
    ['DELETE', '/v1/responses/resp_123'],
    ['POST', '/v1/responses/resp_123/cancel'],
    ['GET', '/v1/responses/resp_123/input_items'],
  ])('%s %s: 401 with a wrong key, else 404 (stateless)', async (method, path) => {
    const refused = await call(method, path, WRONG);
    expect(refused.status).toBe(401);
    expect(shapeProblem('openai', 401, refused.json)).toBeNull();
    const missing = await call(method, path, BEARER);
    expect(missing.status).toBe(404);
    expect(shapeProblem('openai', 404, missing.json)).toBeNull();
    expect(missing.json.error.message).toContain('stores no responses');
    expect(missing.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a malformed body before any upstream', async () => {
    const answer = await call('POST', '/v1/responses', BEARER, '{"model":');
    expect(answer.status).toBe(400);
    expect(shapeProblem('openai', 400, answer.json)).toBeNull();
  });
});

describe('Gemini on v1 and v1beta', () => {
  const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });

  it.each(['v1', 'v1beta'])('/%s: a wrong key is a 401 in Gemini’s shape, by header or ?key=', async (version) => {
    const byHeader = await call('POST', `/${version}/models/m1:generateContent`, { 'x-goog-api-key': 'nope' }, body);
    expect(byHeader.status).toBe(401);
    expect(byHeader.json.error.status).toBe('UNAUTHENTICATED');
    const byQuery = await call('POST', `/${version}/models/m1:streamGenerateContent?alt=sse&key=nope`, {}, body);
    expect(byQuery.status).toBe(401);
    expect(shapeProblem('gemini', 401, byQuery.json)).toBeNull();
  });

  it.each(['v1', 'v1beta'])('/%s: unknown methods and tunings are a 404 in Gemini’s shape', async (version) => {
    for (const path of [`/${version}/models/m1:deleteEverything`, `/${version}/models/m1`, `/${version}/tunedModels/t1:generateContent`]) {
      const answer = await call('POST', path, { 'x-goog-api-key': KEY }, body);
      expect(answer.status, path).toBe(404);
      expect(shapeProblem('gemini', 404, answer.json), path).toBeNull();
    }
  });

  it.each(['v1', 'v1beta'])('/%s: countTokens answers {totalTokens} without an upstream', async (version) => {
    const answer = await call('POST', `/${version}/models/m1:countTokens`, { 'x-goog-api-key': KEY }, body);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.totalTokens).toBeGreaterThan(0);
  });

  it.each(['embedContent', 'batchEmbedContents'])('%s refuses a wrong body in Gemini’s shape', async (method) => {
    const answer = await call('POST', `/v1beta/models/emb:${method}`, { 'x-goog-api-key': KEY }, '{"content":5,"requests":7}');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(shapeProblem('gemini', answer.status, answer.json)).toBeNull();
  });
});

describe('models in the caller’s shape', () => {
  it.each([
    ['/v1beta/models', { 'x-goog-api-key': KEY }],
    ['/v1/models', { 'x-goog-api-key': KEY }],
    [`/v1/models?key=${KEY}`, {}],
  ])('GET %s is Gemini’s list', async (path, headers) => {
    const answer = await call('GET', path, headers);
    expect(answer.status).toBe(200);
    const m1 = answer.json.models.find((model: any) => model.name === 'models/m1');
    expect(m1).toMatchObject({ displayName: 'm1', inputTokenLimit: 32000, supportedGenerationMethods: expect.arrayContaining(['generateContent', 'countTokens']) });
    expect(typeof m1.version).toBe('string');
    expect(answer.json.models.find((model: any) => model.name === 'models/emb').supportedGenerationMethods).toContain('batchEmbedContents');
  });

  it('GET one model in Gemini’s shape, and 404 for an unknown one', async () => {
    const one = await call('GET', '/v1/models/m1', { 'x-goog-api-key': KEY });
    expect(one.json).toMatchObject({ name: 'models/m1', displayName: 'm1' });
    const missing = await call('GET', '/v1beta/models/nope', { 'x-goog-api-key': KEY });
    expect(missing.status).toBe(404);
    expect(missing.json.error.status).toBe('NOT_FOUND');
  });

  it('Anthropic’s shape for anthropic-version or x-api-key', async () => {
    const list = await call('GET', '/v1/models', { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ has_more: false, first_id: 'emb', last_id: 'm2' });
    expect(list.json.data[1]).toEqual({ type: 'model', id: 'm1', display_name: 'm1', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const one = await call('GET', '/v1/models/m1', { authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01' });
    expect(one.json).toMatchObject({ type: 'model', id: 'm1' });
    const missing = await call('GET', '/v1/models/nope', { 'x-api-key': KEY });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const wrong = await call('GET', '/v1/models', { 'x-api-key': 'sk-wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.type).toBe('authentication_error');
  });

  it('OpenAI’s shape otherwise, one model with the list’s fields, aliases resolved', async () => {
    const list = await call('GET', '/v1/models', BEARER);
    expect(list.json.object).toBe('list');
    const one = await call('GET', '/v1/models/vendor%2Fm1', BEARER);
    expect(one.status).toBe(200);
    expect(one.json).toEqual(list.json.data.find((model: any) => model.id === 'm1'));
    expect(one.json).toMatchObject({ id: 'm1', object: 'model', owned_by: 'switchboard', pricing: { prompt: '0.000001' } });
    const missing = await call('GET', '/v1/models/nope', BEARER);
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect((await call('GET', '/v1/models/m1', WRONG)).status).toBe(401);
  });
});

describe('unknown routes in the caller’s protocol', () => {
  it.each([
    ['/v1/responses/a/b/c', {}, 'openai'],
    ['/v1/messages/nope', {}, 'anthropic'],
    ['/v1beta/files', {}, 'gemini'],
    ['/v1/nope', { 'x-goog-api-key': 'x' }, 'gemini'],
    ['/v1/nope', { 'anthropic-version': '2023-06-01' }, 'anthropic'],
    ['/v1/nope', { 'x-api-key': 'x' }, 'anthropic'],
    ['/v1/nope', {}, 'openai'],
  ] as const)('%s %j → %s', async (path, headers, protocol) => {
    const answer = await call('PATCH', path, headers);
    expect(answer.status).toBe(404);
    expect(shapeProblem(protocol, 404, answer.json)).toBeNull();
  });
});

describe('Anthropic credentials', () => {
  it('x-api-key works on /v1/messages/count_tokens; a wrong one is a 401', async () => {
    const body = JSON.stringify({ model: 'm1', messages: [{ role: 'user', content: 'hello there' }] });
    const counted = await call('POST', '/v1/messages/count_tokens', { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' }, body);
    expect(counted.status, counted.text).toBe(200);
    expect(counted.json.input_tokens).toBeGreaterThan(0);
    const refused = await call('POST', '/v1/messages', { 'x-api-key': 'sk-wrong' }, body);
    expect(refused.status).toBe(401);
    expect(shapeProblem('anthropic', 401, refused.json)).toBeNull();
  });
});
