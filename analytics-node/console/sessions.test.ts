// Sign-in, cookies, CSRF, invites, rate limits and revocation, through the console's HTTP API.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, call, harness, invitedUser, signIn, signed, type Harness } from './test-harness';
import { hashPassword, needsRehash, verifyPassword } from './passwords';

let h: Harness;
afterEach(async () => h?.close());

describe('sign-in', () => {
  it('gives an admin an HttpOnly, Secure, SameSite=Strict, expiring cookie and a CSRF token; the key is not kept', async () => {
    h = await harness();
    const response = await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY });
    const cookie = response.headers.get('set-cookie')!;
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/', 'Max-Age=3600']) expect(cookie).toContain(attribute);
    const admin = await signed(response);
    expect(admin.session.identity).toEqual({ kind: 'admin', id: 'bootstrap', name: 'bootstrap', scope: 'owner' });
    expect(admin.session.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = JSON.stringify(await h.store.query('SELECT * FROM console_sessions'));
    expect(stored).not.toContain(ADMIN_KEY);
    expect(stored).not.toContain(admin.cookie.split('=')[1]);
    expect(await (await call(h.app, admin, 'GET', '/api/session')).json()).toEqual(admin.session);
  });

  it('answers one message for an unknown user, a wrong password and a wrong key, then 429 per account', async () => {
    h = await harness();
    const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
    await invitedUser(h, admin, 'alice', 'alice-password-1234');
    const bodies = [{ kind: 'user', user_id: 'nobody', password: 'whatever-password' }, { kind: 'user', user_id: 'alice', password: 'wrong-password-123' }, { kind: 'admin', admin_key: 'nope' }];
    const messages = new Set<string>();
    for (const body of bodies) {
      const response = await signIn(h.app, body);
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toBeNull();
      messages.add(JSON.stringify(await response.json()));
    }
    expect(messages.size).toBe(1);
    await signIn(h.app, { kind: 'user', user_id: 'alice', password: 'wrong-password-123' });
    await signIn(h.app, { kind: 'user', user_id: 'alice', password: 'wrong-password-123' });
    const limited = await signIn(h.app, { kind: 'user', user_id: 'alice', password: 'alice-password-1234' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a disabled user with the right password', async () => {
    h = await harness();
    const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
    await invitedUser(h, admin, 'bob', 'bob-password-12345');
    h.users.get('bob')!.status = 'disabled';
    expect((await signIn(h.app, { kind: 'user', user_id: 'bob', password: 'bob-password-12345' })).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a state-changing call without the token, with a wrong one, or from a foreign Origin', async () => {
    h = await harness();
    const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
    const before = h.calls.length;
    expect((await call(h.app, admin, 'POST', '/api/admin/users', { id: 'x' }, { 'x-csrf-token': '' })).status).toBe(403);
    expect((await call(h.app, admin, 'POST', '/api/admin/users', { id: 'x' }, { 'x-csrf-token': 'A'.repeat(43) })).status).toBe(403);
    expect((await call(h.app, admin, 'POST', '/api/admin/users', { id: 'x' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect(h.calls.length).toBe(before);
    expect((await call(h.app, admin, 'POST', '/api/admin/users', { id: 'x' }, { origin: 'http://localhost' })).status).toBe(200);
    expect(h.calls.at(-1)).toMatchObject({ method: 'POST', path: '/admin/users', actingAdmin: 'bootstrap' });
    expect((await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }, { origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('invites', () => {
  it('work once, for 7 days, and sign the user in; tokens are stored hashed', async () => {
    h = await harness();
    const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
    expect((await call(h.app, admin, 'POST', '/api/ops/invites', { user_id: 'ghost' })).status).toBe(404);
    const created = await call(h.app, admin, 'POST', '/api/ops/invites', { user_id: 'alice' });
    expect(created.status).toBe(201);
    const invite = (await created.json()) as { token: string; url: string; expires_at: number };
    expect(invite.url).toBe(`http://localhost/invite/${invite.token}`);
    expect(invite.expires_at - Date.UTC(2026, 10, 20, 12)).toBe(7 * 86_400_000);
    expect(JSON.stringify(await h.store.query('SELECT * FROM console_invites'))).not.toContain(invite.token);
    expect(await (await h.app.request(`/api/invites/${invite.token}`)).json()).toEqual({ user_id: 'alice', expires_at: invite.expires_at });
    const accept = (password: string) => h.app.request(`/api/invites/${invite.token}/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    expect((await accept('short')).status).toBe(400);
    const user = await signed(await accept('a-long-enough-password'));
    expect(user.session.identity).toEqual({ kind: 'user', user_id: 'alice' });
    expect((await accept('another-long-password')).status).toBe(404);
    expect((await h.app.request(`/api/invites/${invite.token}`)).status).toBe(404);
    const stored = (await h.store.query<{ password_hash: string }>('SELECT password_hash FROM console_credentials'))[0]!.password_hash;
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('cannot be created by a user session', async () => {
    h = await harness();
    const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
    const alice = await invitedUser(h, admin, 'alice');
    expect((await call(h.app, alice, 'POST', '/api/ops/invites', { user_id: 'bob' })).status).toBe(403);
  });
});

describe('sessions', () => {
  it('survive a restart of the node, end at sign-out, and end when the user is disabled or the admin revoked', async () => {
    h = await harness();
    const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
    const alice = await invitedUser(h, admin, 'alice');
    const bob = await invitedUser(h, admin, 'bob');
    const nina = await signed(await signIn(h.app, { kind: 'admin', admin_key: 'named-key' }));
    h = await h.reopen();
    for (const who of [admin, alice, bob, nina]) expect((await call(h.app, who, 'GET', '/api/session')).status).toBe(200);

    expect((await call(h.app, bob, 'DELETE', '/api/session')).status).toBe(204);
    expect((await call(h.app, bob, 'GET', '/api/session')).status).toBe(401);

    expect((await call(h.app, admin, 'PATCH', '/api/admin/users/alice', { status: 'disabled' })).status).toBe(200);
    expect((await call(h.app, alice, 'GET', '/api/me')).status).toBe(401);

    h.revokedAdmins.add('adk_9');
    expect((await call(h.app, nina, 'GET', '/api/admin/users')).status).toBe(401);
    expect((await call(h.app, nina, 'GET', '/api/ops/overview')).status).toBe(401);
    expect((await call(h.app, admin, 'GET', '/api/ops/overview')).status).toBe(200);
  });
});

describe('passwords', () => {
  it('verify only the right password and carry their parameters', async () => {
    const stored = await hashPassword('correct horse battery', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});
