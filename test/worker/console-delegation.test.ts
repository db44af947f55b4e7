// Delegated admin identity: the console (analytics node) calls /admin/* with INTERNAL_SECRET
// and `x-switchboard-acting-admin: <admin key id | bootstrap>`. The named admin's scope
// applies exactly as if their key were presented, the audit log names them, and a wrong
// secret, a missing header, an unknown or revoked admin are refused — through the same
// brute-force guard as every other failed admin authentication.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/index';

const BOOTSTRAP = { authorization: `Bearer ${env.ADMIN_KEY}`, 'content-type': 'application/json' };
const admins: Record<'owner' | 'operator' | 'read-only', { id: string; key: string }> = {} as never;
let revokedId = '';

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await SELF.fetch(`http://worker${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as any };
}

/** As the console: the internal secret, acting for `actingId`. */
function delegated(actingId: string, secret: string = env.INTERNAL_SECRET): Record<string, string> {
  return { authorization: `Bearer ${secret}`, 'x-switchboard-acting-admin': actingId };
}

async function createAdminKey(name: string, scope: string): Promise<{ id: string; key: string }> {
  const created = await call('POST', '/admin/admin-keys', BOOTSTRAP, { name, scope });
  expect(created.status).toBe(201);
  return { id: created.json.id, key: created.json.key };
}

beforeAll(async () => {
  const config = { models: [{ id: 'm1', price: { input_per_mtok: 1, output_per_mtok: 2 } }], users: [{ id: 'u1', balance_usd: 5 }] };
  expect((await call('POST', '/admin/config', BOOTSTRAP, config)).status).toBe(200);
  admins.owner = await createAdminKey('console-owner', 'owner');
  admins.operator = await createAdminKey('console-operator', 'operator');
  admins['read-only'] = await createAdminKey('console-reader', 'read-only');
  const revoked = await createAdminKey('console-revoked', 'owner');
  expect((await call('DELETE', `/admin/admin-keys/${revoked.id}`, BOOTSTRAP)).status).toBe(200);
  revokedId = revoked.id;
});

describe('every scope through delegation', () => {
  // [scope, read, operator change, owner-only change]
  const expected = {
    'read-only': [200, 403, 403],
    operator: [200, 201, 403],
    owner: [200, 201, 201],
  } as const;
  for (const scope of ['read-only', 'operator', 'owner'] as const) {
    it(`${scope}: whoami names the admin; reads, changes and owner-only changes as its scope allows`, async () => {
      const headers = delegated(admins[scope].id);
      const whoami = await call('GET', '/admin/whoami', headers);
      expect(whoami.status).toBe(200);
      expect(whoami.json).toEqual({ id: admins[scope].id, name: `console-${scope === 'read-only' ? 'reader' : scope}`, scope });
      expect((await call('GET', '/admin/users', headers)).status).toBe(expected[scope][0]);
      expect((await call('POST', '/admin/users', headers, { id: `made-by-${scope}`, balance_usd: 1 })).status).toBe(expected[scope][1]);
      expect((await call('POST', '/admin/admin-keys', headers, { name: `made-by-${scope}`, scope: 'read-only' })).status).toBe(expected[scope][2]);
    });
  }

  it('bootstrap is an owner when ADMIN_KEY is configured', async () => {
    const whoami = await call('GET', '/admin/whoami', delegated('bootstrap'));
    expect(whoami.json).toEqual({ id: 'bootstrap', name: 'bootstrap', scope: 'owner' });
    expect((await call('POST', '/admin/admin-keys', delegated('bootstrap'), { name: 'made-by-bootstrap', scope: 'read-only' })).status).toBe(201);
  });

  it('bootstrap is refused when ADMIN_KEY is not configured', async () => {
    const request = new Request('http://worker/admin/whoami', { headers: delegated('bootstrap') });
    const context = createExecutionContext();
    const response = await worker.fetch(request, { ...env, ADMIN_KEY: '' }, context);
    await waitOnExecutionContext(context);
    expect(response.status).toBe(401);
  });
});

describe('the audit log names the acting admin', () => {
  it('a user created by the operator through the console is recorded with the operator as actor', async () => {
    const created = await call('POST', '/admin/users', delegated(admins.operator.id), { id: 'audited-by-console', balance_usd: 2 });
    expect(created.status).toBe(201);
    const audit = await call('GET', '/admin/audit?entity=user&id=audited-by-console', BOOTSTRAP);
    expect(audit.json.data).toHaveLength(1);
    expect(audit.json.data[0]).toMatchObject({ action: 'create', actor: { id: admins.operator.id, name: 'console-operator', scope: 'operator' } });
  });
});

describe('refusals', () => {
  it('a revoked or unknown acting admin is 403, and changes nothing', async () => {
    expect((await call('GET', '/admin/users', delegated(revokedId))).status).toBe(403);
    expect((await call('GET', '/admin/users', delegated('adk_does_not_exist'))).status).toBe(403);
    expect((await call('GET', '/admin/users', delegated(''))).status).toBe(403);
    expect((await call('POST', '/admin/users', delegated(revokedId), { id: 'never-made', balance_usd: 1 })).status).toBe(403);
    expect((await call('GET', '/admin/users/never-made', BOOTSTRAP)).status).toBe(404);
  });

  it('an admin revoked while its identity is cached is refused at once in this isolate', async () => {
    const soon = await createAdminKey('console-soon-revoked', 'operator');
    expect((await call('GET', '/admin/whoami', delegated(soon.id))).status).toBe(200);
    expect((await call('DELETE', `/admin/admin-keys/${soon.id}`, delegated(admins.owner.id))).status).toBe(200);
    expect((await call('GET', '/admin/whoami', delegated(soon.id))).status).toBe(403);
  });

  it('a wrong secret is 401, with or without a valid acting admin', async () => {
    expect((await call('GET', '/admin/users', delegated(admins.owner.id, 'not-the-internal-secret'))).status).toBe(401);
    expect((await call('GET', '/admin/users', delegated('bootstrap', 'not-the-internal-secret'))).status).toBe(401);
  });

  it('the internal secret without the header is not an admin credential (401)', async () => {
    expect((await call('GET', '/admin/users', { authorization: `Bearer ${env.INTERNAL_SECRET}` })).status).toBe(401);
  });

  it('an admin key cannot borrow another identity: the header needs the internal secret (401)', async () => {
    expect((await call('GET', '/admin/users', { ...delegated(admins.owner.id), authorization: `Bearer ${admins['read-only'].key}` })).status).toBe(401);
    expect((await call('GET', '/admin/users', { ...delegated(admins.owner.id), authorization: `Bearer ${env.ADMIN_KEY}` })).status).toBe(401);
  });

  it('failed delegations go through the brute-force guard: a blocked address gets 429', async () => {
    const bindings = { AUTH_SLOW_AFTER_FAILURES: '2', AUTH_BLOCK_AFTER_FAILURES: '4', AUTH_BLOCK_S: '120', AUTH_DELAY_STEP_MS: '1' };
    const send = async (headers: Record<string, string>) => {
      const request = new Request('http://worker/admin/users', { headers: { 'cf-connecting-ip': '198.51.100.90', ...headers } });
      const context = createExecutionContext();
      const response = await worker.fetch(request, { ...env, ...bindings }, context);
      await waitOnExecutionContext(context);
      return response.status;
    };
    // Wrong secrets (401) and unknown acting admins (403) count alike.
    expect(await send(delegated(admins.owner.id, 'guess-1'))).toBe(401);
    expect(await send(delegated('adk_guess'))).toBe(403);
    expect(await send(delegated(admins.owner.id, 'guess-2'))).toBe(401);
    expect(await send(delegated('adk_guess_2'))).toBe(403);
    expect(await send(delegated(admins.owner.id, 'guess-3'))).toBe(429);
    expect(await send(delegated('adk_guess_3'))).toBe(429);
  });
});
