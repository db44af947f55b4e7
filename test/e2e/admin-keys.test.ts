// Named admin keys, scopes, the audit log and the analytics node's authentication, through the
// real stack and the CLI: a key made with `npm run admin -- admin-keys create` reads the
// worker's admin API and the analytics node (which asks the worker who it is), is refused every
// change its scope does not allow, shows up in the audit log, and stops working on both
// processes once revoked. Nothing on the analytics node answers without a credential.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analytics, stack, waitFor } from './helpers';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { workerUrl, adminKey } = stack();
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'scripts/admin.ts', ...args, '--url', workerUrl, '--admin-key', adminKey], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function worker(key: string, method: string, route: string, body?: unknown) {
  const response = await fetch(`${stack().workerUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any };
}

const READ_ROUTES = [
  '/stats?window=3600',
  '/scores',
  `/usage?from=${Date.now() - 86_400_000}`,
  '/requests/some-request',
];
/** The console's data routes take a session cookie, never a bearer. */
const CONSOLE_ROUTES = ['/api/ops/overview', '/api/ops/log', '/api/me', '/api/me/usage'];

describe('analytics node: every read route needs a credential', () => {
  it('answers 401 with no data without one, or with a wrong or client key', async () => {
    const { analyticsUrl } = stack();
    for (const route of [...READ_ROUTES, ...CONSOLE_ROUTES]) {
      for (const headers of [{}, { authorization: 'Bearer wrong-key' }, { authorization: 'Bearer sk-e2e-main-0001' }] as Record<string, string>[]) {
        const response = await fetch(`${analyticsUrl}${route}`, { headers });
        expect(response.status, `${route} ${JSON.stringify(headers)}`).toBe(401);
        const text = await response.text();
        expect(text).not.toMatch(/ch-a|gpt-test|cost_usd|"entries"/);
      }
    }
    expect((await analytics('/stats?window=3600')).status).toBe(200);
    expect((await fetch(`${analyticsUrl}/health`)).status).toBe(200);
    // The console's page is public static files; its data comes only from the routes above.
    const page = await fetch(`${analyticsUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toMatch(/ch-a|gpt-test|cost_usd|"entries"/);
  });
});

describe('named admin keys through the CLI', () => {
  it('create, use with its scope on both processes, audit, revoke', async () => {
    const created = await cli('admin-keys', 'create', 'e2e-reader', '--scope', 'read-only');
    expect(created.code, created.stderr).toBe(0);
    const reader = JSON.parse(created.stdout) as { id: string; key: string; name: string; scope: string };
    expect(reader).toMatchObject({ name: 'e2e-reader', scope: 'read-only' });
    expect(reader.key).toMatch(/^sk-sb-admin-[0-9a-f]{48}$/);

    // Reads on the worker and, verified by the worker, on the analytics node.
    expect((await worker(reader.key, 'GET', '/admin/users')).status).toBe(200);
    expect((await worker(reader.key, 'GET', '/admin/whoami')).json).toEqual({ id: reader.id, name: 'e2e-reader', scope: 'read-only' });
    for (const route of READ_ROUTES.filter((route) => !route.startsWith('/requests/'))) {
      expect((await analytics(route, reader.key)).status, route).toBe(200);
    }
    expect((await fetch(`${stack().analyticsUrl}/`, { headers: { authorization: `Bearer ${reader.key}` } })).status).toBe(200);
    // No change with a read-only key, and no admin-key management by it.
    const refused = await worker(reader.key, 'POST', '/admin/users', { id: 'e2e-by-reader' });
    expect(refused.status).toBe(403);
    expect(refused.json.error.type).toBe('permission_error');
    expect((await worker(reader.key, 'POST', '/admin/admin-keys', { name: 'escalate', scope: 'owner' })).status).toBe(403);

    const listed = await cli('admin-keys', 'list');
    expect(listed.stdout).toContain('e2e-reader');
    expect(listed.stdout).not.toContain(reader.key);

    const audit = await cli('audit', '--entity', 'admin_key', '--id', reader.id);
    const entries = JSON.parse(audit.stdout).data as any[];
    expect(entries.map((entry) => entry.action)).toEqual(['create']);
    expect(entries[0].actor.name).toBe('bootstrap');
    expect(audit.stdout).not.toContain(reader.key);
    // The stack's own config apply is on record too.
    const applies = JSON.parse((await cli('audit', '--entity', 'config')).stdout).data as any[];
    expect(applies.length).toBeGreaterThanOrEqual(1);

    const revoked = await cli('admin-keys', 'revoke', reader.id);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await worker(reader.key, 'GET', '/admin/users')).status).toBe(401);
    // The analytics node trusts the worker's answer for a few seconds at most.
    await waitFor(async () => (await analytics('/scores', reader.key)).status === 401, 15_000, 500);
    const revokeEntry = JSON.parse((await cli('audit', '--entity', 'admin_key', '--id', reader.id)).stdout).data[0];
    expect(revokeEntry).toMatchObject({ action: 'revoke', before: { status: 'active' }, after: { status: 'revoked' } });
  });

  it('an operator may change users but not admin keys', async () => {
    const operator = JSON.parse((await cli('admin-keys', 'create', 'e2e-operator', '--scope', 'operator')).stdout) as { id: string; key: string };
    expect((await worker(operator.key, 'POST', '/admin/users', { id: 'e2e-by-operator', balance_usd: 1 })).status).toBe(201);
    expect((await worker(operator.key, 'DELETE', `/admin/admin-keys/${operator.id}`)).status).toBe(403);
    const entry = JSON.parse((await cli('audit', '--entity', 'user', '--id', 'e2e-by-operator')).stdout).data[0];
    expect(entry).toMatchObject({ action: 'create', actor: { name: 'e2e-operator', scope: 'operator' }, before: null, after: { id: 'e2e-by-operator', balance_usd: 1 } });
    expect((await cli('admin-keys', 'create', 'bad', '--scope', 'root')).code).toBe(1);
  });
});

describe('console sign-in', () => {
  it('a browser signs in with an admin key and gets an HttpOnly, Secure, SameSite=Strict session', async () => {
    const { analyticsUrl, adminKey } = stack();
    const signIn = (key: string) =>
      fetch(`${analyticsUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'admin', admin_key: key }) });
    expect((await signIn('wrong')).status).toBe(401);
    const response = await signIn(adminKey);
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0]!;
    const current = await fetch(`${analyticsUrl}/api/session`, { headers: { cookie: session } });
    expect(current.status).toBe(200);
    expect(((await current.json()) as { identity: { kind: string } }).identity.kind).toBe('admin');
    expect((await fetch(`${analyticsUrl}/stats?window=60`, { headers: { cookie: session } })).status).toBe(200);
  });
});
