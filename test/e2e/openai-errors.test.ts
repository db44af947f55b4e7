// contract.md's error table on the OpenAI route, retries before the first byte, and what
// the client sees when every channel fails. Every error is OpenAI-shaped JSON.
import { describe, expect, it } from 'vitest';
import { BROKE_KEY, LIMITED_KEY, MAIN_KEY, post, providerCounters } from './helpers';

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });

function expectOpenAIError(result: { json: any; headers: Headers }, status: number, type?: string) {
  expect(result.json?.error, JSON.stringify(result.json)).toBeTruthy();
  expect(typeof result.json.error.message).toBe('string');
  expect(result.json.error).toHaveProperty('type');
  expect(result.json.error).toHaveProperty('param');
  expect(result.json.error).toHaveProperty('code');
  if (type) expect(result.json.error.type).toBe(type);
  expect(result.headers.get('content-type')).toContain('application/json');
  expect(result.headers.get('x-request-id')).toBeTruthy();
}

describe('errors on /v1/chat/completions', () => {
  it('401 without a key', async () => {
    const result = await post('/v1/chat/completions', chat('gpt-test'));
    expect(result.status).toBe(401);
    expectOpenAIError(result, 401);
  });

  it('401 with an unknown key', async () => {
    const result = await post('/v1/chat/completions', chat('gpt-test'), auth('sk-nope-nope-nope'));
    expect(result.status).toBe(401);
    expectOpenAIError(result, 401);
  });

  it('403 for a model the key may not use', async () => {
    const result = await post('/v1/chat/completions', chat('m-retry'), auth(LIMITED_KEY));
    expect(result.status).toBe(403);
    expectOpenAIError(result, 403);
  });

  it('402 when the balance is exhausted', async () => {
    const result = await post('/v1/chat/completions', chat('gpt-test'), auth(BROKE_KEY));
    expect(result.status).toBe(402);
    expectOpenAIError(result, 402);
  });

  it('404 model_not_found for an unknown model', async () => {
    const result = await post('/v1/chat/completions', chat('no-such-model'), auth(MAIN_KEY));
    expect(result.status).toBe(404);
    expectOpenAIError(result, 404);
    expect(result.json.error.code).toBe('model_not_found');
  });

  it('400 for a body that is not JSON', async () => {
    const result = await post('/v1/chat/completions', '{"model": "gpt-test", "messages": [', auth(MAIN_KEY));
    expect(result.status).toBe(400);
    expectOpenAIError(result, 400, 'invalid_request_error');
  });

  it('400 naming the field for wrong types and missing fields', async () => {
    const wrong = await post('/v1/chat/completions', { model: 'gpt-test', messages: 'hello' }, auth(MAIN_KEY));
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.param).toContain('messages');
    const missing = await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] }, auth(MAIN_KEY));
    expect(missing.status).toBe(400);
    expect(missing.json.error.param).toContain('model');
  });

  it('413 for a body over the size limit', async () => {
    const big = JSON.stringify(chat('gpt-test', { padding: 'x'.repeat(1_100_000) }));
    const result = await post('/v1/chat/completions', big, auth(MAIN_KEY));
    expect(result.status).toBe(413);
    expectOpenAIError(result, 413);
  });

  it('404 in OpenAI shape for an unknown route', async () => {
    const result = await post('/v1/nothing-here', {}, auth(MAIN_KEY));
    expect(result.status).toBe(404);
    expectOpenAIError(result, 404);
  });

  it('retries a 5xx on the next channel before the first byte; the client never sees it', async () => {
    const before = await providerCounters('e2e-fail');
    let sawRetry = false;
    for (let i = 0; i < 8 && !sawRetry; i++) {
      const result = await post('/v1/chat/completions', chat('m-retry'), auth(MAIN_KEY));
      expect(result.status).toBe(200);
      expect(result.headers.get('x-switchboard-channel')).toBe('ch-ok');
      sawRetry = result.headers.get('x-switchboard-attempts') === '2';
    }
    const after = await providerCounters('e2e-fail');
    expect(sawRetry || after.requests === before.requests).toBe(true);
  });

  it('returns an upstream 400 at once, without trying another channel', async () => {
    const result = await post('/v1/chat/completions', chat('m-client-error'), auth(MAIN_KEY));
    expect(result.status).toBe(400);
    expectOpenAIError(result, 400);
    expect(result.headers.get('x-switchboard-attempts')).toBe('1');
  });

  it('when every channel fails: the last upstream class and how many channels were tried', async () => {
    const result = await post('/v1/chat/completions', chat('m-all-fail'), auth(MAIN_KEY));
    expect(result.status).toBe(503);
    expectOpenAIError(result, 503);
    expect(result.json.error.message).toMatch(/All 2 channels/);
    expect(result.headers.get('x-switchboard-attempts')).toBe('2');
  });
});
