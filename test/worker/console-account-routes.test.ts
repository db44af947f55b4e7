// Per-user account routes (/internal/users/{id}/…): the console's end-user API, called by the
// analytics node with INTERNAL_SECRET. The admin API's shapes, narrowed to one user: another
// user's key is 404 (never 403), the user may set only a key's name, limits, budgets and
// expiry, a disabled user may read but not write, and every change is audited as `user:<id>`.
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';

const INTERNAL = { authorization: `Bearer ${env.INTERNAL_SECRET}`, 'content-type': 'application/json' };
const ADMIN = { authorization: `Bearer ${env.ADMIN_KEY}`, 'content-type': 'application/json' };
const ALICE_KEY = 'sk-console-alice-key-1';
const BOB_KEY = 'sk-console-bob-key-1';

async function call(method: string, path: string, headers: Record<string, string> = INTERNAL, body?: unknown) {
  const response = await SELF.fetch(`http://worker${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the assertion on json says so.
  }
  return { status: response.status, json, text };
}

let bobKeyId = '';

beforeAll(async () => {
  const config = {
    models: [{ id: 'm1', price: { input_per_mtok: 1, output_per_mtok: 2 } }],
    users: [
      { id: 'alice', balance_usd: 5 },
      { id: 'bob', balance_usd: 3 },
      { id: 'carol', balance_usd: 1 },
    ],
    keys: [
      { user: 'alice', name: 'alice-cli', key: ALICE_KEY },
      { user: 'bob', name: 'bob-cli', key: BOB_KEY },
    ],
  };
  expect((await call('POST', '/admin/config', ADMIN, config)).status).toBe(200);
  expect((await call('POST', '/admin/users/alice/credits', ADMIN, { amount_usd: 2, note: 'top-up' })).status).toBe(201);
  expect((await call('DELETE', '/admin/users/carol', ADMIN)).status).toBe(200);
  bobKeyId = (await call('GET', '/admin/keys?user=bob', ADMIN)).json.data[0].id;
});

describe('reads: the admin shapes, for one user', () => {
  it('GET /internal/users/{id} is the admin view with `account`', async () => {
    const mine = await call('GET', '/internal/users/alice');
    const admin = await call('GET', '/admin/users/alice', ADMIN);
    expect(mine.status).toBe(200);
    expect(mine.json).toEqual(admin.json);
    expect(mine.json).toMatchObject({ id: 'alice', balance_usd: 7, account: { available_usd: 7 } });
  });

  it('GET /internal/users/{id}/ledger is the journal, newest first, and only theirs', async () => {
    const mine = await call('GET', '/internal/users/alice/ledger');
    expect(mine.status).toBe(200);
    expect(mine.json).toEqual((await call('GET', '/admin/users/alice/ledger', ADMIN)).json);
    expect(mine.json.data.map((entry: any) => entry.kind)).toEqual(['credit', 'opening']);
    expect(mine.json.data[0]).toMatchObject({ amount_usd: 2, note: 'top-up' });
  });

  it('GET /internal/users/{id}/keys lists only their keys, never a hash or the key', async () => {
    const mine = await call('GET', '/internal/users/alice/keys');
    expect(mine.status).toBe(200);
    expect(mine.json.data.map((key: any) => key.user)).toEqual(['alice']);
    expect(mine.text).not.toContain(ALICE_KEY);
    expect(mine.json.data[0]).not.toHaveProperty('hash');
  });

  it('an unknown user is 404 on every route', async () => {
    for (const path of ['/internal/users/nobody', '/internal/users/nobody/ledger', '/internal/users/nobody/keys']) {
      expect((await call('GET', path)).status, path).toBe(404);
    }
    expect((await call('POST', '/internal/users/nobody/keys', INTERNAL, { name: 'x' })).status).toBe(404);
  });
});

describe('keys: create, change, revoke', () => {
  it('creates a key shown once, models ["*"], no routing, and it works on the client API', async () => {
    const created = await call('POST', '/internal/users/alice/keys', INTERNAL, { name: 'laptop', rpm: 30, budget_daily_usd: 1.5, expires_at: Date.now() + 86_400_000 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ user: 'alice', name: 'laptop', rpm: 30, budget_daily_usd: 1.5, models: ['*'], routing: {}, status: 'active' });
    expect(created.json.key).toMatch(/^sk-sb-[0-9a-f]{48}$/);
    const info = await call('GET', '/v1/key', { authorization: `Bearer ${created.json.key}` });
    expect(info.status).toBe(200);
    expect(info.json.data.label).toBe('laptop');
    const listed = await call('GET', '/internal/users/alice/keys');
    expect(listed.text).not.toContain(created.json.key);
  });

  it('refuses the fields a user may not set, naming each (400)', async () => {
    for (const field of ['user', 'routing', 'models']) {
      const body = { name: 'sneaky', [field]: field === 'user' ? 'bob' : field === 'routing' ? { mode: 'economy' } : ['m1'] };
      const refused = await call('POST', '/internal/users/alice/keys', INTERNAL, body);
      expect(refused.status, field).toBe(400);
      expect(refused.json.error.param, field).toBe(field);
    }
    expect((await call('GET', '/internal/users/bob/keys')).json.data).toHaveLength(1);
  });

  it('refuses malformed bodies with the field named', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: '' }, 'name'],
      [{ name: 'k', rpm: -1 }, 'rpm'],
      [{ name: 'k', budget_monthly_usd: 'lots' }, 'budget_monthly_usd'],
      [{ rpm: 5 }, 'name'],
    ];
    for (const [body, param] of cases) {
      const refused = await call('POST', '/internal/users/alice/keys', INTERNAL, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.json.error.param).toBe(param);
    }
    expect((await call('POST', '/internal/users/alice/keys', INTERNAL, '{not json')).status).toBe(400);
    const key = (await call('POST', '/internal/users/alice/keys', INTERNAL, { name: 'to-patch' })).json;
    const badPatch = await call('PATCH', `/internal/users/alice/keys/${key.id}`, INTERNAL, { status: 'revoked' });
    expect(badPatch.status).toBe(400);
    expect(badPatch.json.error.param).toBe('status');
    const routingPatch = await call('PATCH', `/internal/users/alice/keys/${key.id}`, INTERNAL, { routing: { mode: 'economy' } });
    expect(routingPatch.json.error.param).toBe('routing');
  });

  it('changes name, limits and status; disabling stops the key; a revoked key cannot change (409)', async () => {
    const key = (await call('POST', '/internal/users/alice/keys', INTERNAL, { name: 'phone' })).json;
    const patched = await call('PATCH', `/internal/users/alice/keys/${key.id}`, INTERNAL, { name: 'old phone', tpm: 1000, status: 'disabled' });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: 'old phone', tpm: 1000, status: 'disabled' });
    expect((await call('GET', '/v1/key', { authorization: `Bearer ${key.key}` })).status).toBe(401);
    const revoked = await call('DELETE', `/internal/users/alice/keys/${key.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.json.status).toBe('revoked');
    expect((await call('PATCH', `/internal/users/alice/keys/${key.id}`, INTERNAL, { status: 'active' })).status).toBe(409);
  });

  it("another user's key is 404 on every route, and is left untouched", async () => {
    expect((await call('GET', `/internal/users/alice/keys/${bobKeyId}`)).status).toBe(404);
    expect((await call('PATCH', `/internal/users/alice/keys/${bobKeyId}`, INTERNAL, { name: 'mine now' })).status).toBe(404);
    expect((await call('DELETE', `/internal/users/alice/keys/${bobKeyId}`)).status).toBe(404);
    const bobs = await call('GET', `/admin/keys/${bobKeyId}`, ADMIN);
    expect(bobs.json).toMatchObject({ user: 'bob', name: 'bob-cli', status: 'active' });
    expect((await call('GET', '/v1/key', { authorization: `Bearer ${BOB_KEY}` })).status).toBe(200);
    // An unknown key id answers exactly like another user's key.
    const unknown = await call('DELETE', '/internal/users/alice/keys/key_does_not_exist');
    const foreign = await call('DELETE', `/internal/users/alice/keys/${bobKeyId}`);
    expect(foreign.json.error.message.replace(bobKeyId, 'ID')).toBe(unknown.json.error.message.replace('key_does_not_exist', 'ID'));
  });
});

describe('a disabled user', () => {
  it('may read but not create, change or revoke (403)', async () => {
    expect((await call('GET', '/internal/users/carol')).status).toBe(200);
    expect((await call('GET', '/internal/users/carol/keys')).status).toBe(200);
    expect((await call('POST', '/internal/users/carol/keys', INTERNAL, { name: 'x' })).status).toBe(403);
    expect((await call('GET', '/internal/users/carol/keys')).json.data).toHaveLength(0);
  });
});

describe('audit', () => {
  it('changes are recorded with the actor user:<id>, without the key', async () => {
    const key = (await call('POST', '/internal/users/alice/keys', INTERNAL, { name: 'audited' })).json;
    await call('PATCH', `/internal/users/alice/keys/${key.id}`, INTERNAL, { rpm: 7 });
    await call('DELETE', `/internal/users/alice/keys/${key.id}`);
    const audit = await call('GET', `/admin/audit?entity=key&id=${key.id}`, ADMIN);
    expect(audit.json.data.map((entry: any) => entry.action)).toEqual(['revoke', 'update', 'create']);
    for (const entry of audit.json.data) expect(entry.actor).toEqual({ id: 'user:alice', name: 'user:alice', scope: 'user' });
    expect(audit.json.data[1].before.rpm).toBeNull();
    expect(audit.json.data[1].after.rpm).toBe(7);
    expect(audit.text).not.toContain(key.key);
    // Refused changes (404 on another user's key) write nothing.
    const byAlice = await call('GET', '/admin/audit?actor=user:alice&limit=1000', ADMIN);
    expect(byAlice.json.data.some((entry: any) => entry.entity_id === bobKeyId)).toBe(false);
  });
});

describe('the internal secret is required', () => {
  const routes: Array<[string, string]> = [
    ['GET', '/internal/users/alice'],
    ['GET', '/internal/users/alice/ledger'],
    ['GET', '/internal/users/alice/keys'],
    ['POST', '/internal/users/alice/keys'],
    ['PATCH', '/internal/users/alice/keys/key_x'],
    ['DELETE', '/internal/users/alice/keys/key_x'],
  ];
  it.each(routes)('%s %s: 401 without it, with a wrong one, and with the admin key', async (method, path) => {
    const body = method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' };
    expect((await call(method, path, { 'content-type': 'application/json' }, body)).status).toBe(401);
    expect((await call(method, path, { authorization: 'Bearer wrong-secret', 'content-type': 'application/json' }, body)).status).toBe(401);
    expect((await call(method, path, ADMIN, body)).status).toBe(401);
  });
});
