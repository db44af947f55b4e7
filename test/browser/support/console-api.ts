// The documented APIs the tests set things up with, called as a program would: the worker's
// admin API (users, credits), the analytics node's console API (sessions, invites, /api/me),
// the node's /ingest (log records with chosen timestamps) and the worker's client route.
import type { InviteCreated, Session } from '../../../analytics-node/console/api-types';
import type { LogRecord } from '../../../worker/core/types';
import type { BrowserStack } from './stack';

export interface ApiSession {
  cookie: string;
  csrf: string;
  session: Session;
}

export async function adminCall(stack: BrowserStack, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${stack.workerUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A new end user with a balance (worker admin API). */
export async function createUser(stack: BrowserStack, id: string, balanceUsd = 50): Promise<void> {
  const response = await adminCall(stack, 'POST', '/admin/users', { id, group: 'default', balance_usd: balanceUsd });
  if (response.status !== 201 && response.status !== 200) throw new Error(`create user ${id}: ${response.status} ${await response.text()}`);
}

/** POST /api/session; the cookie and CSRF token a browser would hold. */
export async function signIn(stack: BrowserStack, body: unknown): Promise<Response> {
  return fetch(`${stack.consoleUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function sessionOf(response: Response): Promise<ApiSession> {
  if (!response.ok) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const session = (await response.json()) as Session;
  return { cookie, csrf: session.csrf_token, session };
}

export async function adminSession(stack: BrowserStack): Promise<ApiSession> {
  return sessionOf(await signIn(stack, { kind: 'admin', admin_key: stack.adminKey }));
}

export async function userSession(stack: BrowserStack, userId: string, password: string): Promise<ApiSession> {
  return sessionOf(await signIn(stack, { kind: 'user', user_id: userId, password }));
}

/** A call to the console API with a session's cookie (and its CSRF token on writes). */
export async function consoleCall(stack: BrowserStack, session: Pick<ApiSession, 'cookie' | 'csrf'> | null, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (session) {
    headers.cookie = session.cookie;
    if (method !== 'GET') headers['x-csrf-token'] = session.csrf;
  }
  return fetch(`${stack.consoleUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

export async function consoleJson<T>(stack: BrowserStack, session: Pick<ApiSession, 'cookie' | 'csrf'> | null, method: string, path: string, body?: unknown): Promise<T> {
  const response = await consoleCall(stack, session, method, path, body);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The operator's invite link for a user (POST /api/ops/invites as the admin). */
export async function createInvite(stack: BrowserStack, userId: string): Promise<InviteCreated> {
  return consoleJson<InviteCreated>(stack, await adminSession(stack), 'POST', '/api/ops/invites', { user_id: userId });
}

/** A user who has accepted an invite, with the password they set. */
export async function invitedUser(stack: BrowserStack, userId: string, balanceUsd = 50): Promise<{ userId: string; password: string }> {
  await createUser(stack, userId, balanceUsd);
  const invite = await createInvite(stack, userId);
  const password = `pw-${userId}-correct-horse`;
  await consoleJson<Session>(stack, null, 'POST', `/api/invites/${invite.token}/accept`, { password });
  return { userId, password };
}

/** One chat completion through the worker's real client route. */
export async function chat(stack: BrowserStack, key: string, model = 'gpt-4o-mini'): Promise<Response> {
  return fetch(`${stack.workerUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello to the console test.' }], max_tokens: 32 }),
  });
}

/** Log records straight into the node's /ingest (the worker's log shipping path), with the internal secret. */
export async function ingest(stack: BrowserStack, records: LogRecord[]): Promise<void> {
  const response = await fetch(`${stack.consoleUrl}/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.internalSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records }),
  });
  if (!response.ok) throw new Error(`ingest: ${response.status} ${await response.text()}`);
}

/** A successful single-attempt record for a user at a chosen time. */
export function logRecord(fields: Pick<LogRecord, 'request_id' | 'user_id' | 'key_id' | 'ts_start' | 'price_usd'> & Partial<LogRecord>): LogRecord {
  return {
    attempt: 1,
    ts_end: fields.ts_start + 400,
    group_id: 'default',
    model: 'gpt-4o-mini',
    channel_id: 'acme-east',
    upstream_model: 'gpt-4o-mini',
    client_protocol: 'openai',
    dialect: 'openai',
    stream: false,
    status: 200,
    error_class: 'none',
    error_message: '',
    ttft_ms: 120,
    duration_ms: 400,
    input_tokens: 100,
    output_tokens: 50,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: 0,
    usage_estimated: false,
    cost_usd: fields.price_usd / 2,
    final: true,
    ...fields,
  };
}

/** Poll until `check` passes (the log reaches the node asynchronously), or throw its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
