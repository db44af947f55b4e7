// The console API against the real stack: an admin signs in with the stack's admin key and
// acts on the worker through the delegated admin proxy; an invited user signs in, creates a
// key, calls the gateway with it, and sees the request and its spend; another user's data
// and the operator routes stay closed to them.
import { describe, expect, it } from 'vitest';
import type { Session, UserKeyCreated, UserRequestPage } from '../../analytics-node/console/api-types';
import { flushLogs, stack, waitFor } from './helpers';

interface Who {
  cookie: string;
  csrf: string;
}

async function consoleCall(who: Who | null, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who) {
    headers.cookie = who.cookie;
    if (method !== 'GET') headers['x-csrf-token'] = who.csrf;
  }
  return fetch(`${stack().analyticsUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function signIn(body: unknown): Promise<Who> {
  const response = await consoleCall(null, 'POST', '/api/session', body);
  expect(response.status).toBe(200);
  const session = (await response.json()) as Session;
  return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: session.csrf_token };
}

async function invitedUser(admin: Who, userId: string): Promise<Who> {
  expect((await consoleCall(admin, 'POST', '/api/admin/users', { id: userId, group: 'default', balance_usd: 20 })).status).toBe(201);
  const invite = (await (await consoleCall(admin, 'POST', '/api/ops/invites', { user_id: userId })).json()) as { token: string };
  const accepted = await consoleCall(null, 'POST', `/api/invites/${invite.token}/accept`, { password: `pw-${userId}-long-enough` });
  expect(accepted.status).toBe(200);
  return signIn({ kind: 'user', user_id: userId, password: `pw-${userId}-long-enough` });
}

describe('console API on the real stack', () => {
  it('an invited user creates a key, calls the gateway, and sees only their own request and spend', async () => {
    const admin = await signIn({ kind: 'admin', admin_key: stack().adminKey });
    const suffix = Date.now().toString(36);
    const carol = await invitedUser(admin, `carol-${suffix}`);
    const dave = await invitedUser(admin, `dave-${suffix}`);

    const created = await consoleCall(carol, 'POST', '/api/me/keys', { name: 'laptop' });
    expect(created.status).toBe(201);
    const key = (await created.json()) as UserKeyCreated;
    expect(key.key).toMatch(/^sk-sb-/);

    const answer = await fetch(`${stack().workerUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(answer.status).toBe(200);
    const requestId = answer.headers.get('x-request-id');
    await flushLogs();
    const page = await waitFor(async () => {
      const rows = (await (await consoleCall(carol, 'GET', '/api/me/requests')).json()) as UserRequestPage;
      return rows.rows.length > 0 ? rows : null;
    });
    expect(page.rows[0]!.key_id).toBe(key.id);
    if (requestId) expect(page.rows[0]!.request_id).toBe(requestId);

    const daveRows = (await (await consoleCall(dave, 'GET', `/api/me/requests?user=carol-${suffix}`)).json()) as UserRequestPage;
    expect(daveRows.rows).toEqual([]);
    expect((await consoleCall(dave, 'DELETE', `/api/me/keys/${key.id}`)).status).toBe(404);
    expect((await consoleCall(dave, 'GET', '/api/ops/log')).status).toBe(403);
    expect((await consoleCall(dave, 'GET', `/api/admin/users/carol-${suffix}`)).status).toBe(403);

    // Disabling carol through the admin proxy ends her session.
    expect((await consoleCall(admin, 'PATCH', `/api/admin/users/carol-${suffix}`, { status: 'disabled' })).status).toBe(200);
    expect((await consoleCall(carol, 'GET', '/api/me')).status).toBe(401);
  });
});
