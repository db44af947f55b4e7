// The admin API and the ledger route inside the Workers runtime: every admin route refuses
// without the admin key, validation names the field, keys are shown once and never again (no
// hash either), channel credentials are write-only, credits and ledger batches go through the
// journal exactly once, and re-applying the config leaves balances alone.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ADMIN_ROUTES } from '../../worker/admin';

const ADMIN = { authorization: 'Bearer test-admin-key', 'content-type': 'application/json' };
const INTERNAL = { authorization: 'Bearer test-internal-secret', 'content-type': 'application/json' };
const NANO = 1_000_000_000;

const config = {
  models: [{ id: 'm1', price: { input_per_mtok: 1, output_per_mtok: 2 } }],
  channels: [
    { id: 'c1', type: 'openai', base_url: 'http://127.0.0.1:9/c1', api_key: 'sk-upstream-secret-value', models: [{ model: 'm1', cost: { input_per_mtok: 0.5, output_per_mtok: 1 } }] },
  ],
  users: [{ id: 'u1', balance_usd: 5 }],
  keys: [{ user: 'u1', name: 'k1', key: 'sk-worker-test-key-1', rpm: 60 }],
};

async function admin(method: string, path: string, body?: unknown) {
  const response = await SELF.fetch(`http://worker${path}`, { method, headers: ADMIN, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as any) : null };
}

async function ledger(batch: unknown) {
  const response = await SELF.fetch('http://worker/internal/ledger', { method: 'POST', headers: INTERNAL, body: JSON.stringify(batch) });
  return { status: response.status, json: (await response.json()) as any };
}

async function journal(user: string) {
  const row = await env.DB.prepare('SELECT coalesce(sum(amount_nanousd), 0) AS sum, (SELECT balance_nanousd FROM users WHERE id = ?1) AS balance FROM balance_entries WHERE user_id = ?1')
    .bind(user)
    .first<{ sum: number; balance: number }>();
  return row!;
}

describe('admin guard', () => {
  it('no admin route answers without the admin key, or with a wrong one', async () => {
    for (const [method, template] of ADMIN_ROUTES) {
      const path = template.replace('{id}', 'u1');
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Bearer sk-worker-test-key-1' }] as Record<string, string>[]) {
        const response = await SELF.fetch(`http://worker${path}`, { method, headers, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(((await response.json()) as any).error.type).toBe('authentication_error');
      }
    }
  });
});

describe('admin resources', () => {
  it('creates a user, a key shown once, and credits through the journal', async () => {
    expect((await admin('POST', '/admin/config', config)).status).toBe(200);
    const created = await admin('POST', '/admin/users', { id: 'u2', balance_usd: 1.5 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'u2', group: 'default', balance_usd: 1.5, status: 'active' });
    expect((await admin('POST', '/admin/users', { id: 'u2' })).status).toBe(409);

    const bad = await admin('POST', '/admin/users', { id: 'u3', balance_usd: 'lots' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ param: 'balance_usd', type: 'invalid_request_error' });
    expect((await admin('POST', '/admin/users', { id: 'u3', group: 'ghosts' })).json.error.param).toBe('group');
    expect((await admin('PATCH', '/admin/users/u2', { balance_usd: 9 })).json.error.message).toContain('balance_usd');

    const key = await admin('POST', '/admin/keys', { user: 'u2', name: 'laptop', rpm: 10, budget_daily_usd: 1 });
    expect(key.status).toBe(201);
    expect(key.json.key).toMatch(/^sk-sb-[0-9a-f]{48}$/);
    const plaintext: string = key.json.key;
    const { results } = await env.DB.prepare('SELECT hash FROM api_keys WHERE id = ?').bind(key.json.id).all<{ hash: string }>();
    const hash = results[0]!.hash;
    for (const path of ['/admin/keys', `/admin/keys/${key.json.id}`, '/admin/keys?user=u2']) {
      const listed = await admin('GET', path);
      expect(listed.status).toBe(200);
      expect(listed.text).not.toContain(plaintext);
      expect(listed.text).not.toContain(hash);
      expect(listed.text).not.toContain('sk-worker-test-key-1');
    }
    expect(key.json).not.toHaveProperty('hash');
    expect((await admin('POST', '/admin/keys', { user: 'nobody', name: 'x' })).json.error.param).toBe('user');
    expect((await admin('PATCH', `/admin/keys/${key.json.id}`, { rpm: -1 })).json.error.param).toBe('rpm');

    // The new key works at once.
    const models = await SELF.fetch('http://worker/v1/models', { headers: { authorization: `Bearer ${plaintext}` } });
    expect(models.status).toBe(200);

    const credit = await admin('POST', '/admin/users/u2/credits', { amount_usd: 2.25, note: 'top-up' });
    expect(credit.status).toBe(201);
    expect(credit.json).toMatchObject({ user_id: 'u2', balance_usd: 3.75, synced: true });
    expect((await admin('POST', '/admin/users/u2/credits', { amount_usd: 0 })).json.error.param).toBe('amount_usd');
    expect((await admin('POST', '/admin/users/ghost/credits', { amount_usd: 1 })).status).toBe(404);
    expect(await journal('u2')).toEqual({ sum: 3.75 * NANO, balance: 3.75 * NANO });
    const entries = await admin('GET', '/admin/users/u2/ledger');
    expect(entries.json.data.map((entry: any) => entry.kind)).toEqual(['credit', 'opening']);

    const info = await SELF.fetch('http://worker/v1/key', { headers: { authorization: `Bearer ${plaintext}` } });
    const body = (await info.json()) as any;
    expect(body.data).toMatchObject({ label: 'laptop', usage: 0, limit: 1, limit_remaining: 1, is_free_tier: false, rate_limit: { requests: 10, interval: '1m' }, balance: 3.75 });
    expect(JSON.stringify(body)).not.toContain(plaintext);
    expect(JSON.stringify(body)).not.toContain(hash);

    const revoked = await admin('DELETE', `/admin/keys/${key.json.id}`);
    expect(revoked.json.status).toBe('revoked');
    expect((await SELF.fetch('http://worker/v1/models', { headers: { authorization: `Bearer ${plaintext}` } })).status).toBe(401);
    expect((await admin('PATCH', `/admin/keys/${key.json.id}`, { status: 'active' })).status).toBe(409);
  });

  it('never returns a channel credential; validates models and fields by name', async () => {
    await admin('POST', '/admin/config', config);
    const created = await admin('POST', '/admin/channels', {
      id: 'c2', type: 'anthropic', base_url: 'http://127.0.0.1:9/c2', api_key: 'sk-ant-write-only-SECRET',
      models: [{ model: 'm1', cost: { input_per_mtok: 0.4, output_per_mtok: 0.9 } }],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'c2', api_key_set: true, models: [{ model: 'm1', upstream_model: 'm1' }] });
    const patched = await admin('PATCH', '/admin/channels/c2', { api_key: 'sk-ant-rotated-SECRET', weight: 3 });
    expect(patched.json.weight).toBe(3);
    for (const path of ['/admin/channels', '/admin/channels/c1', '/admin/channels/c2']) {
      const text = (await admin('GET', path)).text;
      expect(text).not.toContain('SECRET');
      expect(text).not.toContain('sk-upstream-secret-value');
    }
    const unknown = await admin('POST', '/admin/channels', { id: 'c3', type: 'openai', base_url: 'http://x.test', models: [{ model: 'nope', cost: { input_per_mtok: 1, output_per_mtok: 1 } }] });
    expect(unknown.json.error.param).toBe('models[0].model');
    expect((await admin('POST', '/admin/channels', { id: 'c3', type: 'smoke', base_url: 'http://x.test', models: [] })).json.error.param).toBe('type');
    expect((await admin('DELETE', '/admin/channels/c2')).json.enabled).toBe(false);

    const model = await admin('POST', '/admin/models', { id: 'm2', aliases: ['v/m2'], price: { input_per_mtok: 3, output_per_mtok: 4 } });
    expect(model.status).toBe(201);
    expect((await admin('POST', '/admin/models', { id: 'm3', aliases: ['v/m2'], price: { input_per_mtok: 3, output_per_mtok: 4 } })).status).toBe(409);
    expect((await admin('PATCH', '/admin/models/m2', { price: { input_per_mtok: -1, output_per_mtok: 4 } })).json.error.param).toBe('price.input_per_mtok');
    expect((await admin('PATCH', '/admin/models/m2', { price: { input_per_mtok: 5, output_per_mtok: 6 } })).json.price).toEqual({ input_per_mtok: 5, output_per_mtok: 6 });
    expect((await admin('GET', '/admin/models/none')).status).toBe(404);

    expect((await admin('POST', '/admin/groups', { id: 'gold', price_multiplier: 1.5 })).status).toBe(201);
    expect((await admin('PATCH', '/admin/groups/gold', { price_multiplier: 'x' })).json.error.param).toBe('price_multiplier');
    await admin('POST', '/admin/users', { id: 'goldie', group: 'gold' });
    expect((await admin('DELETE', '/admin/groups/gold')).status).toBe(409);
  });
});

describe('ledger batches', () => {
  it('apply exactly once, keep the journal equal to the balance, and survive re-applying the config', async () => {
    await admin('POST', '/admin/config', config);
    const batch = { batch_id: 'lb-test-1', up_to_ts: 1, debits: [{ user_id: 'u1', amount_nanousd: 1_234_567, request_ids: ['req-a', 'req-b'] }] };
    const refused = await SELF.fetch('http://worker/internal/ledger', { method: 'POST', body: JSON.stringify(batch) });
    expect(refused.status).toBe(401);
    const first = await ledger(batch);
    expect(first).toMatchObject({ status: 200, json: { applied: true, synced: true, total_nanousd: 1_234_567 } });
    const replay = await ledger(batch);
    expect(replay).toMatchObject({ status: 200, json: { applied: false, synced: true } });
    expect(await journal('u1')).toEqual({ sum: 5 * NANO - 1_234_567, balance: 5 * NANO - 1_234_567 });

    expect((await ledger({ ...batch, batch_id: 'lb-test-2', debits: [{ user_id: 'ghost', amount_nanousd: 1, request_ids: [] }] })).status).toBe(422);
    expect((await ledger({ ...batch, batch_id: 'lb-test-3', debits: [{ user_id: 'u1', amount_nanousd: -5, request_ids: [] }] })).json.error.param).toBe('debits[0].amount_nanousd');

    // Many users in one batch.
    await admin('POST', '/admin/users', { id: 'u9', balance_usd: 1 });
    const both = await ledger({ batch_id: 'lb-test-4', up_to_ts: 2, debits: [{ user_id: 'u1', amount_nanousd: 1, request_ids: ['req-c'] }, { user_id: 'u9', amount_nanousd: 7, request_ids: ['req-d'] }] });
    expect(both).toMatchObject({ status: 200, json: { applied: true, users: 2, total_nanousd: 8 } });
    expect(await journal('u9')).toEqual({ sum: NANO - 7, balance: NANO - 7 });
    expect(await journal('u1')).toEqual({ sum: 5 * NANO - 1_234_568, balance: 5 * NANO - 1_234_568 });

    // Re-applying the config touches neither the balance nor the journal.
    expect((await admin('POST', '/admin/config', config)).status).toBe(200);
    expect(await journal('u1')).toEqual({ sum: 5 * NANO - 1_234_568, balance: 5 * NANO - 1_234_568 });

    const summary = await admin('GET', '/admin/ledger/summary');
    const row = summary.json.users.find((user: any) => user.user_id === 'u1');
    expect(row).toMatchObject({ opening_nanousd: 5 * NANO, credits_nanousd: 0, debits_nanousd: -1_234_568, journal_nanousd: 5 * NANO - 1_234_568 });
    expect(summary.json.batches).toMatchObject({ batches: 2, total_nanousd: 1_234_575 });

    const info = await SELF.fetch('http://worker/v1/key', { headers: { authorization: 'Bearer sk-worker-test-key-1' } });
    expect(((await info.json()) as any).data.balance).toBeCloseTo(5 - 0.001234568, 9);
  });
});
