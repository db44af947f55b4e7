// Admin keys, scopes and the audit log inside the Workers runtime. Table-driven over every
// mutating admin route (ADMIN_ROUTES): each change made with a named key writes one audit
// entry naming who, what and the request id, no entry holds a secret, and a read-only key is
// refused (403) on every one of them before anything changes.
import { env, SELF } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ADMIN_ROUTES } from '../../worker/admin';

const BOOTSTRAP = 'test-admin-key';
const CLIENT_KEY = 'sk-audit-client-key-SECRET-1';
const CONFIG_CREDENTIAL = 'sk-audit-config-credential-SECRET';
const CHANNEL_CREDENTIAL = 'sk-audit-channel-credential-SECRET';
const PATCHED_CREDENTIAL = 'sk-audit-patched-credential-SECRET';

const config = {
  models: [{ id: 'm1', price: { input_per_mtok: 1, output_per_mtok: 2 } }],
  channels: [
    { id: 'c1', type: 'openai', base_url: 'http://127.0.0.1:9/c1', api_key: CONFIG_CREDENTIAL, models: [{ model: 'm1', cost: { input_per_mtok: 0.5, output_per_mtok: 1 } }] },
  ],
  users: [{ id: 'u1', balance_usd: 5 }],
  keys: [{ user: 'u1', name: 'k1', key: CLIENT_KEY }],
};

async function call(key: string, method: string, path: string, body?: unknown) {
  const response = await SELF.fetch(`http://worker${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON.
  }
  return { status: response.status, text, json, requestId: response.headers.get('x-request-id') };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Case {
  route: string;
  path: (ids: Record<string, string>) => string;
  body?: (ids: Record<string, string>) => unknown;
  entity: string;
  action: string;
  /** Owner-only routes are made with the owner key, the rest with the operator key. */
  owner?: boolean;
  /** Remember the new entity's id under this name. */
  saveId?: string;
  /** May legitimately refuse in this environment (credential rotation without CREDENTIALS_KEY). */
  mayRefuse?: boolean;
}

// In order: creates before the updates and deletes that use their ids.
const CASES: Case[] = [
  { route: 'POST /admin/config', path: () => '/admin/config', body: () => config, entity: 'config', action: 'apply' },
  { route: 'POST /admin/users', path: () => '/admin/users', body: () => ({ id: 'au1', balance_usd: 2 }), entity: 'user', action: 'create' },
  { route: 'PATCH /admin/users/{id}', path: () => '/admin/users/au1', body: () => ({ budget_monthly_usd: 5 }), entity: 'user', action: 'update' },
  { route: 'POST /admin/users/{id}/credits', path: () => '/admin/users/au1/credits', body: () => ({ amount_usd: 1.5, note: 'top-up' }), entity: 'user', action: 'credit' },
  { route: 'DELETE /admin/users/{id}', path: () => '/admin/users/au1', entity: 'user', action: 'disable' },
  { route: 'POST /admin/groups', path: () => '/admin/groups', body: () => ({ id: 'ag1', price_multiplier: 1.2 }), entity: 'group', action: 'create' },
  { route: 'PATCH /admin/groups/{id}', path: () => '/admin/groups/ag1', body: () => ({ price_multiplier: 1.3 }), entity: 'group', action: 'update' },
  { route: 'DELETE /admin/groups/{id}', path: () => '/admin/groups/ag1', entity: 'group', action: 'delete' },
  { route: 'POST /admin/keys', path: () => '/admin/keys', body: () => ({ user: 'u1', name: 'audited' }), entity: 'key', action: 'create', saveId: 'key' },
  { route: 'PATCH /admin/keys/{id}', path: (ids) => `/admin/keys/${ids.key}`, body: () => ({ rpm: 5 }), entity: 'key', action: 'update' },
  { route: 'DELETE /admin/keys/{id}', path: (ids) => `/admin/keys/${ids.key}`, entity: 'key', action: 'revoke' },
  {
    route: 'POST /admin/channels',
    path: () => '/admin/channels',
    body: () => ({ id: 'ac1', type: 'openai', base_url: 'http://127.0.0.1:9/ac1', api_key: CHANNEL_CREDENTIAL, models: [{ model: 'm1', cost: { input_per_mtok: 0.4, output_per_mtok: 1 } }] }),
    entity: 'channel',
    action: 'create',
  },
  { route: 'PATCH /admin/channels/{id}', path: () => '/admin/channels/ac1', body: () => ({ api_key: PATCHED_CREDENTIAL, weight: 2 }), entity: 'channel', action: 'update' },
  { route: 'DELETE /admin/channels/{id}', path: () => '/admin/channels/ac1', entity: 'channel', action: 'disable' },
  { route: 'POST /admin/channels/{id}/test', path: () => '/admin/channels/ac1/test', body: () => ({}), entity: 'channel', action: 'test' },
  { route: 'POST /admin/channels/rotate-credentials', path: () => '/admin/channels/rotate-credentials', body: () => ({}), entity: 'channel_credentials', action: 'rotate', owner: true, mayRefuse: true },
  { route: 'POST /admin/models', path: () => '/admin/models', body: () => ({ id: 'am1', price: { input_per_mtok: 1, output_per_mtok: 1 } }), entity: 'model', action: 'create' },
  { route: 'PATCH /admin/models/{id}', path: () => '/admin/models/am1', body: () => ({ price: { input_per_mtok: 2, output_per_mtok: 2 } }), entity: 'model', action: 'update' },
  { route: 'DELETE /admin/models/{id}', path: () => '/admin/models/am1', entity: 'model', action: 'disable' },
  { route: 'POST /admin/admin-keys', path: () => '/admin/admin-keys', body: () => ({ name: 'temp', scope: 'read-only' }), entity: 'admin_key', action: 'create', owner: true, saveId: 'adminKey' },
  { route: 'DELETE /admin/admin-keys/{id}', path: (ids) => `/admin/admin-keys/${ids.adminKey}`, entity: 'admin_key', action: 'revoke', owner: true },
];

const MUTATING = ADMIN_ROUTES.filter(([method]) => method !== 'GET').map(([method, path]) => `${method} ${path}`);
const keys: Record<'owner' | 'operator' | 'readOnly', { id: string; key: string }> = {} as never;
const secrets: string[] = [BOOTSTRAP, CLIENT_KEY, CONFIG_CREDENTIAL, CHANNEL_CREDENTIAL, PATCHED_CREDENTIAL];

// Literal channel credentials are stored sealed, under a key from this binding (worker/secrets).
const CREDENTIALS_KEY = `k1:${btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, index) => index + 7)))}`;
const mutableEnv = env as unknown as Record<string, unknown>;

afterAll(() => {
  delete mutableEnv.CREDENTIALS_KEY;
});

beforeAll(async () => {
  mutableEnv.CREDENTIALS_KEY = CREDENTIALS_KEY;
  expect((await call(BOOTSTRAP, 'POST', '/admin/config', config)).status).toBe(200);
  for (const [name, scope] of [['owner', 'owner'], ['operator', 'operator'], ['readOnly', 'read-only']] as const) {
    const created = await call(BOOTSTRAP, 'POST', '/admin/admin-keys', { name: `test-${name}`, scope });
    expect(created.status, created.text).toBe(201);
    keys[name] = { id: created.json.id, key: created.json.key };
    secrets.push(created.json.key);
  }
});

describe('named admin keys', () => {
  it('are shown once, stored as hashes, and say who they are', async () => {
    expect(keys.owner.key).toMatch(/^sk-sb-admin-[0-9a-f]{48}$/);
    const row = await env.DB.prepare('SELECT hash, prefix FROM admin_keys WHERE id = ?').bind(keys.owner.id).first<{ hash: string; prefix: string }>();
    expect(row!.hash).toBe(sha256(keys.owner.key));
    const listed = await call(keys.readOnly.key, 'GET', '/admin/admin-keys');
    expect(listed.status).toBe(200);
    expect(listed.json.data.map((key: any) => key.name)).toEqual(expect.arrayContaining(['test-owner', 'test-operator', 'test-readOnly']));
    for (const { key } of Object.values(keys)) {
      expect(listed.text).not.toContain(key);
      expect(listed.text).not.toContain(sha256(key));
    }
    expect((await call(keys.operator.key, 'GET', '/admin/whoami')).json).toEqual({ id: keys.operator.id, name: 'test-operator', scope: 'operator' });
    expect((await call(BOOTSTRAP, 'GET', '/admin/whoami')).json).toEqual({ id: 'bootstrap', name: 'bootstrap', scope: 'owner' });
    expect((await call(BOOTSTRAP, 'POST', '/admin/admin-keys', { name: 'bootstrap', scope: 'owner' })).status).toBe(400);
    expect((await call(BOOTSTRAP, 'POST', '/admin/admin-keys', { name: 'test-owner', scope: 'owner' })).status).toBe(409);
    expect((await call(BOOTSTRAP, 'POST', '/admin/admin-keys', { name: 'x', scope: 'root' })).json.error.param).toBe('scope');
  });

  it('a revoked key stops working at once', async () => {
    const created = await call(keys.owner.key, 'POST', '/admin/admin-keys', { name: 'short-lived', scope: 'operator' });
    secrets.push(created.json.key);
    expect((await call(created.json.key, 'GET', '/admin/users')).status).toBe(200);
    expect((await call(keys.owner.key, 'DELETE', `/admin/admin-keys/${created.json.id}`)).json.status).toBe('revoked');
    expect((await call(created.json.key, 'GET', '/admin/users')).status).toBe(401);
    expect((await call(keys.owner.key, 'DELETE', `/admin/admin-keys/${created.json.id}`)).status).toBe(409);
  });
});

describe('scopes', () => {
  it('a read-only key may read every admin route and change none (403)', async () => {
    for (const [method, template] of ADMIN_ROUTES) {
      const path = template.replace('{id}', 'u1');
      const response = await call(keys.readOnly.key, method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      if (method === 'GET') expect([200, 404], `${method} ${path}`).toContain(response.status);
      else {
        expect(response.status, `${method} ${path}`).toBe(403);
        expect(response.json.error.type).toBe('permission_error');
      }
    }
    expect((await call(BOOTSTRAP, 'GET', '/admin/users/u1')).json.status).toBe('active');
  });

  it('an operator may not manage admin keys or rotate credentials', async () => {
    for (const [method, template] of ADMIN_ROUTES.filter(([method, path]) => method !== 'GET' && (path.startsWith('/admin/admin-keys') || path.includes('rotate-credentials')))) {
      const response = await call(keys.operator.key, method, template.replace('{id}', keys.readOnly.id), method === 'DELETE' ? undefined : { name: 'x', scope: 'owner' });
      expect(response.status, `${method} ${template}`).toBe(403);
    }
    expect((await call(keys.operator.key, 'POST', '/admin/admin-keys', { name: 'escalate', scope: 'owner' })).status).toBe(403);
    expect((await call(keys.operator.key, 'DELETE', '/admin/admin-keys/whatever')).status).toBe(403);
  });
});

describe('audit log', () => {
  it('every mutating admin route writes one entry: who, what, before → after, request id', async () => {
    // The table covers every mutating admin route: a new one needs a case here.
    expect(MUTATING.filter((route) => !CASES.some((entry) => entry.route === route))).toEqual([]);
    const ids: Record<string, string> = {};
    for (const entry of CASES.filter((entry) => MUTATING.includes(entry.route))) {
      const actor = entry.owner ? keys.owner : keys.operator;
      const [method] = entry.route.split(' ');
      const before = (await call(BOOTSTRAP, 'GET', '/admin/audit?limit=1')).json.data[0]?.id ?? 0;
      const response = await call(actor.key, method!, entry.path(ids), entry.body?.(ids));
      const written = (await call(keys.readOnly.key, 'GET', `/admin/audit?limit=5`)).json.data.filter((row: any) => row.id > before);
      if (entry.mayRefuse && response.status >= 400) {
        expect(written, entry.route).toEqual([]);
        continue;
      }
      expect(response.status, `${entry.route}: ${response.text}`).toBeLessThan(300);
      if (entry.saveId) ids[entry.saveId] = response.json.id;
      expect(written, entry.route).toHaveLength(1);
      const row = written[0];
      expect(row, entry.route).toMatchObject({ entity_type: entry.entity, action: entry.action, request_id: response.requestId });
      expect(row.actor, entry.route).toEqual({ id: actor.id, name: entry.owner ? 'test-owner' : 'test-operator', scope: entry.owner ? 'owner' : 'operator' });
      expect(typeof row.at).toBe('number');
      if (['update', 'disable', 'revoke', 'credit'].includes(entry.action)) {
        expect(row.before, entry.route).not.toBeNull();
        expect(row.after, entry.route).not.toBeNull();
      }
      if (entry.action === 'create') expect(row.after?.id, entry.route).toBe(response.json.id);
      if (entry.action === 'delete') expect(row.after, entry.route).toBeNull();
    }
    const credit = (await call(BOOTSTRAP, 'GET', '/admin/audit?entity=user&id=au1')).json.data.find((row: any) => row.action === 'credit');
    expect(credit.after.balance_usd - credit.before.balance_usd).toBeCloseTo(1.5);
    const patched = (await call(BOOTSTRAP, 'GET', '/admin/audit?entity=group&id=ag1')).json.data.find((row: any) => row.action === 'update');
    expect([patched.before.price_multiplier, patched.after.price_multiplier]).toEqual([1.2, 1.3]);
    const applied = (await call(BOOTSTRAP, 'GET', '/admin/audit?entity=config')).json.data[0];
    expect(applied.after).toMatchObject({ channels: ['c1'], keys: [{ user: 'u1', name: 'k1' }] });
  });

  it('no entry contains a secret: keys, credentials or hashes', async () => {
    const created = await call(keys.operator.key, 'POST', '/admin/keys', { user: 'u1', name: 'one-more' });
    secrets.push(created.json.key);
    const everything = (await call(BOOTSTRAP, 'GET', '/admin/audit?limit=1000')).text;
    const stored = JSON.stringify((await env.DB.prepare('SELECT * FROM audit_log').all()).results);
    for (const secret of secrets) {
      for (const text of [everything, stored]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(sha256(secret));
      }
    }
    expect(stored).not.toMatch(/"(api_key|hash|key)"\s*:/);
  });

  it('is append-only: no route changes it and the database refuses to', async () => {
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      expect([404, 405], method).toContain((await call(BOOTSTRAP, method, '/admin/audit', {})).status);
      expect([404, 405], method).toContain((await call(BOOTSTRAP, method, '/admin/audit/1', {})).status);
    }
    await expect(env.DB.prepare("UPDATE audit_log SET actor_name = 'someone else'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('DELETE FROM audit_log').run()).rejects.toThrow(/append-only/);
  });

  it('filters by entity, id, actor and time, and validates the query', async () => {
    const since = Date.now();
    await call(keys.operator.key, 'PATCH', '/admin/users/u1', { budget_monthly_usd: 7 });
    const rows = (await call(keys.readOnly.key, 'GET', `/admin/audit?entity=user&id=u1&actor=test-operator&since=${since}`)).json.data;
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((row: any) => row.entity_id === 'u1' && row.actor.name === 'test-operator' && row.at >= since)).toBe(true);
    expect((await call(keys.readOnly.key, 'GET', '/admin/audit?since=yesterday')).json.error.param).toBe('since');
    expect((await call(keys.readOnly.key, 'GET', '/admin/audit?limit=0')).json.error.param).toBe('limit');
    expect((await call(keys.readOnly.key, 'GET', '/admin/audit?limit=1')).json.data).toHaveLength(1);
    // Reads are not changes.
    const count = (await env.DB.prepare('SELECT count(*) AS n FROM audit_log').first<{ n: number }>())!.n;
    await call(keys.operator.key, 'GET', '/admin/users');
    expect((await env.DB.prepare('SELECT count(*) AS n FROM audit_log').first<{ n: number }>())!.n).toBe(count);
  });
});
