// Token counts are answered locally, but only after the model lookup, like generation: an
// unknown model is a 404 model_not_found and a model the key may not use a 403, in the
// caller's shape, on every count route (Anthropic, Responses, Gemini v1 and v1beta).
import { SELF } from 'cloudflare:test';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, shapeProblem, watchUpstream } from './routes-setup';

const KEY = 'sk-count-tokens-key-1';
const ADMIN = { authorization: 'Bearer test-admin-key', 'content-type': 'application/json' };
const config = {
  models: [
    { id: 'open', aliases: ['vendor/open'], price: { input_per_mtok: 1, output_per_mtok: 2 } },
    { id: 'closed', price: { input_per_mtok: 1, output_per_mtok: 2 } },
  ],
  channels: [
    {
      id: 'count-channel',
      type: 'openai',
      base_url: 'http://127.0.0.1:9/count-channel',
      // A reference, so this test does not depend on how literal credentials are stored.
      api_key: 'env:COUNT_TEST_UPSTREAM_KEY',
      models: [{ model: 'open', cost: { input_per_mtok: 0.5, output_per_mtok: 1 } }, { model: 'closed', cost: { input_per_mtok: 0.5, output_per_mtok: 1 } }],
    },
  ],
  users: [{ id: 'count-user', balance_usd: 5 }],
  keys: [{ user: 'count-user', name: 'count-key', key: KEY, models: ['open'] }],
};

beforeAll(async () => {
  const response = await SELF.fetch('http://worker/admin/config', { method: 'POST', headers: ADMIN, body: JSON.stringify(config) });
  if (response.status !== 200) throw new Error(`config apply failed: ${response.status} ${await response.text()}`);
});

let upstream: ReturnType<typeof watchUpstream>;
beforeEach(() => {
  upstream = watchUpstream();
});
afterEach(() => {
  expect(upstream.calls()).toEqual([]);
  upstream.restore();
});

const messages = [{ role: 'user', content: 'count these words please' }];
const anthropic = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
const openai = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const gemini = { 'x-goog-api-key': KEY, 'content-type': 'application/json' };
const contents = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'count these words please' }] }] });

describe('Anthropic /v1/messages/count_tokens', () => {
  const count = (model: string) => call('POST', '/v1/messages/count_tokens', anthropic, JSON.stringify({ model, messages }));

  it('counts for a model the key may use, by id or alias', async () => {
    for (const model of ['open', 'vendor/open']) {
      const answer = await count(model);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json.input_tokens).toBeGreaterThan(0);
    }
  });

  it('an unknown model is a 404 not_found_error in Anthropic’s shape', async () => {
    const answer = await count('no-such-model');
    expect(answer.status, answer.text).toBe(404);
    expect(shapeProblem('anthropic', 404, answer.json)).toBeNull();
    expect(answer.json.error.type).toBe('not_found_error');
    expect(answer.json.error.message).toContain('no-such-model');
  });

  it('a model the key may not use is a 403 in Anthropic’s shape', async () => {
    const answer = await count('closed');
    expect(answer.status, answer.text).toBe(403);
    expect(shapeProblem('anthropic', 403, answer.json)).toBeNull();
  });
});

describe('Responses /v1/responses/input_tokens', () => {
  const count = (model: string) => call('POST', '/v1/responses/input_tokens', openai, JSON.stringify({ model, input: 'count these words please' }));

  it('counts for an allowed model; 404 model_not_found and 403 otherwise, in OpenAI’s shape', async () => {
    const counted = await count('open');
    expect(counted.status, counted.text).toBe(200);
    expect(counted.json.input_tokens).toBeGreaterThan(0);
    const missing = await count('no-such-model');
    expect(missing.status, missing.text).toBe(404);
    expect(shapeProblem('openai', 404, missing.json)).toBeNull();
    expect(missing.json.error.code).toBe('model_not_found');
    const forbidden = await count('closed');
    expect(forbidden.status, forbidden.text).toBe(403);
    expect(shapeProblem('openai', 403, forbidden.json)).toBeNull();
  });
});

describe('Gemini :countTokens', () => {
  it.each(['v1', 'v1beta'])('/%s: counts for an allowed model; 404 NOT_FOUND and 403 otherwise, in Gemini’s shape', async (version) => {
    const counted = await call('POST', `/${version}/models/open:countTokens`, gemini, contents);
    expect(counted.status, counted.text).toBe(200);
    expect(counted.json.totalTokens).toBeGreaterThan(0);
    const missing = await call('POST', `/${version}/models/no-such-model:countTokens`, gemini, contents);
    expect(missing.status, missing.text).toBe(404);
    expect(shapeProblem('gemini', 404, missing.json)).toBeNull();
    expect(missing.json.error.status).toBe('NOT_FOUND');
    const forbidden = await call('POST', `/${version}/models/closed:countTokens`, gemini, contents);
    expect(forbidden.status, forbidden.text).toBe(403);
    expect(shapeProblem('gemini', 403, forbidden.json)).toBeNull();
  });
});
