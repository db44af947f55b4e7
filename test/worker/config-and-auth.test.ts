// The worker inside the Workers runtime: config apply through the admin API (validation,
// idempotence, hashed keys), admin and key authentication, and errors in each protocol's
// shape — all without any upstream.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

const ADMIN = { authorization: 'Bearer test-admin-key', 'content-type': 'application/json' };

const config = {
  models: [{ id: 'm1', aliases: ['vendor/m1'], price: { input_per_mtok: 1, output_per_mtok: 2 } }],
  channels: [
    {
      id: 'c1',
      type: 'openai',
      base_url: 'http://127.0.0.1:9/c1',
      api_key: 'sk-upstream-secret-value',
      models: [{ model: 'm1', cost: { input_per_mtok: 0.5, output_per_mtok: 1 } }],
    },
  ],
  users: [{ id: 'u1', balance_usd: 5 }],
  keys: [{ user: 'u1', name: 'k1', key: 'sk-worker-test-key-1' }],
};

async function apply(document: unknown) {
  return SELF.fetch('http://worker/admin/config', { method: 'POST', headers: ADMIN, body: JSON.stringify(document) });
}

describe('config apply', () => {
  it('refuses without the admin key', async () => {
    const response = await SELF.fetch('http://worker/admin/config', { method: 'POST', body: JSON.stringify(config) });
    expect(response.status).toBe(401);
    const wrong = await SELF.fetch('http://worker/admin/config', {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
      body: JSON.stringify(config),
    });
    expect(wrong.status).toBe(401);
    const { results } = await env.DB.prepare('SELECT COUNT(*) AS n FROM models').all<{ n: number }>();
    expect(results[0]!.n).toBe(0);
  });

  it('names the path of a bad field', async () => {
    const bad = structuredClone(config) as any;
    bad.channels[0].models[0].cost.input_per_mtok = 'cheap';
    const response = await apply(bad);
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.error.param).toBe('channels[0].models[0].cost.input_per_mtok');
  });

  it('rejects references to unknown models and users', async () => {
    const bad = structuredClone(config) as any;
    bad.keys[0].user = 'ghost';
    const response = await apply(bad);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.param).toBe('keys[0].user');
  });

  it('is idempotent and stores keys only as hashes', async () => {
    expect((await apply(config)).status).toBe(200);
    expect((await apply(config)).status).toBe(200);
    const keys = await env.DB.prepare('SELECT hash, prefix FROM api_keys').all<{ hash: string; prefix: string }>();
    expect(keys.results).toHaveLength(1);
    expect(keys.results[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(keys.results)).not.toContain('sk-worker-test-key-1');
    const users = await env.DB.prepare('SELECT balance_nanousd FROM users').all<{ balance_nanousd: number }>();
    expect(users.results).toEqual([{ balance_nanousd: 5_000_000_000 }]);
  });
});

describe('key authentication', () => {
  it('accepts the key in each SDK’s place and rejects it elsewhere', async () => {
    await apply(config);
    const models = await SELF.fetch('http://worker/v1/models', { headers: { authorization: 'Bearer sk-worker-test-key-1' } });
    expect(models.status).toBe(200);
    const body = (await models.json()) as any;
    expect(body.data.map((model: any) => model.id)).toEqual(['m1']);
    expect(JSON.stringify(body)).not.toContain('sk-upstream-secret-value');
    const none = await SELF.fetch('http://worker/v1/models');
    expect(none.status).toBe(401);
  });

  it('renders auth errors in the route’s protocol', async () => {
    const anthropic = await SELF.fetch('http://worker/v1/messages', { method: 'POST', headers: { 'x-api-key': 'sk-wrong-wrong' }, body: '{}' });
    expect(anthropic.status).toBe(401);
    const anthropicBody = (await anthropic.json()) as any;
    expect(anthropicBody.type).toBe('error');
    expect(anthropicBody.error.type).toBe('authentication_error');
    const gemini = await SELF.fetch('http://worker/v1beta/models/m1:generateContent?key=sk-wrong-wrong', { method: 'POST', body: '{}' });
    expect(gemini.status).toBe(401);
    const geminiBody = (await gemini.json()) as any;
    expect(geminiBody.error.status).toBe('UNAUTHENTICATED');
    expect(geminiBody.error.code).toBe(401);
  });

  it('never reaches an upstream with bad input', async () => {
    await apply(config);
    // The channel points at a closed port: if the worker called it, the answer would be a 502.
    const response = await SELF.fetch('http://worker/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: 'Bearer sk-worker-test-key-1' },
      body: '{"model":"m1","messages":[{"role":"user","content":5}]}',
    });
    expect(response.status).toBe(400);
  });
});

describe('internal routes', () => {
  it('accept a score push only with the shared secret, and ignore older versions', async () => {
    const table = { version: 10, computed_at: 1, window_s: 300, entries: [] };
    const refused = await SELF.fetch('http://worker/internal/scores', { method: 'POST', body: JSON.stringify(table) });
    expect(refused.status).toBe(401);
    const headers = { authorization: 'Bearer test-internal-secret' };
    const first = await SELF.fetch('http://worker/internal/scores', { method: 'POST', headers, body: JSON.stringify(table) });
    expect(await first.json()).toEqual({ accepted: true, version: 10 });
    const older = await SELF.fetch('http://worker/internal/scores', { method: 'POST', headers, body: JSON.stringify({ ...table, version: 3 }) });
    expect(((await older.json()) as any).accepted).toBe(false);
    const bad = await SELF.fetch('http://worker/internal/scores', { method: 'POST', headers, body: '{"version":"x"}' });
    expect(bad.status).toBe(400);
  });
});
