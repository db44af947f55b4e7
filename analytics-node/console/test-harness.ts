// Tests only: the console's routes over a direct DuckDB store (or, with
// CONSOLE_TEST_STORE=chdb, the node's ClickHouse store in-process) and a fake worker that keeps users and keys
// in memory (the same JSON shapes as the worker's internal per-user routes).
import { Hono } from 'hono';
import type { ScoreTable } from '../../worker/core/types';
import { buildScoreTable } from '../score-table';
import { temporaryDirectory } from '../test-support';
import type { Session } from './api-types';
import type { LogStore } from '../log-store';
import { createConsole, type ConsoleServer } from './console-app';
import { SignInLimits } from './sign-in-limits';
import { consoleTestStore } from './test-store';
import type { WorkerCall } from './worker-client';

export const ADMIN_KEY = 'console-test-admin-key';
export const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

export interface Harness {
  app: Hono;
  console: ConsoleServer;
  store: LogStore;
  users: Map<string, { status: string }>;
  calls: WorkerCall[];
  /** Admin ids the fake worker no longer knows (a revoked admin key). */
  revokedAdmins: Set<string>;
  scores: { current: ScoreTable };
  close(): Promise<void>;
  reopen(): Promise<Harness>;
}

/** The fake worker's view of a user's one key (`key-<user>`). */
const keyView = (userId: string) => ({ id: `key-${userId}`, user: userId, name: 'k', prefix: 'sk-sb-ab', status: 'active', last_used_at: null });

export async function harness(dbPath = temporaryDirectory().dbPath, openStore: (dbPath: string) => Promise<LogStore> = consoleTestStore): Promise<Harness> {
  // The same directory reopens the same store (sessions and invites survive a restart).
  const store: LogStore = await openStore(dbPath);
  const users = new Map([['alice', { status: 'active' }], ['bob', { status: 'active' }]]);
  const calls: WorkerCall[] = [];
  const revokedAdmins = new Set<string>();
  const scores = { current: buildScoreTable([], 0, NOW, 300) };
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const worker = async (call: WorkerCall) => {
    calls.push(call);
    if (call.actingAdmin !== undefined && revokedAdmins.has(call.actingAdmin)) return json({ error: { message: 'revoked' } }, 401);
    const userMatch = /^\/internal\/users\/([^/?]+)(\/[^?]*)?/.exec(call.path);
    if (userMatch) {
      const id = decodeURIComponent(userMatch[1]!);
      const user = users.get(id);
      if (!user) return json({ error: { message: 'not found' } }, 404);
      if (userMatch[2] === '/keys') return json({ data: [keyView(id)] });
      if (userMatch[2] === '/ledger') return json({ data: [{ id: 1, kind: 'opening', amount_usd: 10, reference: '', note: `opening of ${id}` }] });
      return json({ id, group: 'default', balance_usd: 10, budget_monthly_usd: null, status: user.status, account: { available_usd: 9, month_spend_usd: 1 } });
    }
    const adminUser = /^\/admin\/users\/([^/?]+)$/.exec(call.path);
    if (adminUser && call.method === 'PATCH') {
      const body = JSON.parse(String(call.body ? Buffer.from(call.body as ArrayBuffer).toString() : '{}'));
      users.get(adminUser[1]!)!.status = body.status;
      return json({ id: adminUser[1], status: body.status });
    }
    // The worker's key rows do not track use: last_used_at stays null there.
    if (call.method === 'GET' && call.path.startsWith('/admin/keys/key-')) return json(keyView(call.path.slice('/admin/keys/key-'.length)));
    if (call.method === 'GET' && call.path.startsWith('/admin/keys')) return json({ data: [...users.keys()].map(keyView) });
    if (call.path.startsWith('/admin/')) return json({ data: [], acting: call.actingAdmin });
    return json({ error: { message: 'not found' } }, 404);
  };
  const consoleServer = await createConsole({
    store,
    internalSecret: 'console-test-secret',
    verifyAdmin: async (key) => (key === ADMIN_KEY ? { id: 'bootstrap', name: 'bootstrap', scope: 'owner' } : key === 'named-key' ? { id: 'adk_9', name: 'nina', scope: 'operator' } : null),
    worker,
    sessionTtlMs: 3_600_000,
    staticDirectory: '/nonexistent-console-dist',
    limits: new SignInLimits({ perAccount: 3, perAddress: 5, now: () => NOW }),
    currentScores: () => scores.current,
    now: () => NOW,
  });
  const app = new Hono();
  app.route('/', consoleServer.api as unknown as Hono);
  app.route('/', consoleServer.files);
  const self: Harness = {
    app, console: consoleServer, store, users, calls, revokedAdmins, scores,
    close: () => store.close(),
    async reopen() {
      await store.close();
      return harness(dbPath, openStore);
    },
  };
  return self;
}

export interface Signed {
  cookie: string;
  session: Session;
}

export async function signIn(app: Hono, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export async function signed(response: Response): Promise<Signed> {
  if (response.status !== 200) throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
  return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, session: (await response.json()) as Session };
}

export function call(app: Hono, who: Signed | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (who) {
    all.cookie = who.cookie;
    if (method !== 'GET' && !('x-csrf-token' in headers)) all['x-csrf-token'] = who.session.csrf_token;
  }
  return Promise.resolve(app.request(path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) }));
}

/** An invited user who set a password, signed in. */
export async function invitedUser(h: Harness, admin: Signed, userId: string, password = `pw-${userId}-long-enough`): Promise<Signed> {
  const invite = (await (await call(h.app, admin, 'POST', '/api/ops/invites', { user_id: userId })).json()) as { token: string };
  const accepted = await h.app.request(`/api/invites/${invite.token}/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  return signed(accepted);
}
