// ANY /api/admin/* → the worker's /admin/*, called with the internal secret as the signed-in
// admin (x-switchboard-acting-admin), so the worker applies that admin's scope and names
// them in the audit log. Side effects the node owns: a 401 from the worker (the admin key
// was revoked) ends this session; disabling a user or revoking an admin key ends theirs.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { apiError, type ConsoleEnv } from './console-env';
import type { ConsoleSessionStore } from './session-store';
import type { WorkerClient } from './worker-client';

const MAX_BODY_BYTES = 1024 * 1024;
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'retry-after'];

/** Each key's last use from the log (the worker's key rows do not track use). */
export type LastUsed = () => Promise<Map<string, number>>;

export function adminProxy(worker: WorkerClient | null, sessions: ConsoleSessionStore, lastUsed?: LastUsed): Hono<ConsoleEnv> {
  const route = new Hono<ConsoleEnv>();
  route.all(
    '/api/admin/*',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => apiError(c, 413, 'Body too large.') }),
    async function proxyAdmin(c) {
      if (worker === null) return apiError(c, 503, 'The node has no WORKER_URL to call.', 'no_worker');
      const identity = c.get('session').identity;
      if (identity.kind !== 'admin') return apiError(c, 403, 'This needs an admin session.', 'forbidden');
      const url = new URL(c.req.url);
      const path = url.pathname.replace(/^\/api\/admin/, '/admin') + url.search;
      const hasBody = !['GET', 'HEAD'].includes(c.req.method);
      let response: Response;
      try {
        response = await worker({
          method: c.req.method,
          path,
          body: hasBody ? await c.req.arrayBuffer() : null,
          contentType: hasBody ? (c.req.header('content-type') ?? 'application/json') : undefined,
          actingAdmin: identity.id,
        });
      } catch {
        return apiError(c, 502, 'The worker did not answer.', 'worker_unreachable');
      }
      if (response.status === 401) {
        // The worker no longer knows this admin: the key behind the session was revoked.
        await sessions.revokeSubject('admin', identity.id);
      } else if (response.ok) {
        await endSessionsAfter(c.req.method, url.pathname, await peekJson(response.clone()), sessions);
      }
      const headers = new Headers();
      for (const name of FORWARDED_RESPONSE_HEADERS) {
        const value = response.headers.get(name);
        if (value !== null) headers.set(name, value);
      }
      headers.set('cache-control', 'no-store');
      if (lastUsed !== undefined && response.ok && c.req.method === 'GET' && /^\/api\/admin\/keys(\/[^/]+)?$/.test(url.pathname)) {
        const body = await peekJson(response);
        if (body !== null) return new Response(JSON.stringify(withLastUse(body, await lastUsed())), { status: response.status, headers });
      }
      return new Response(response.body, { status: response.status, headers });
    },
  );
  return route;
}

type KeyView = { id?: unknown; last_used_at?: unknown };

/** A key view (or a list of them) with last_used_at the later of the worker's and the log's. */
function withLastUse(body: unknown, used: Map<string, number>): unknown {
  const fill = (key: KeyView): KeyView => {
    const logged = typeof key.id === 'string' ? used.get(key.id) : undefined;
    const stored = typeof key.last_used_at === 'number' ? key.last_used_at : null;
    return { ...key, last_used_at: logged === undefined ? stored : Math.max(logged, stored ?? logged) };
  };
  const list = body as { data?: unknown };
  if (Array.isArray(list.data)) return { ...list, data: list.data.map((key: KeyView) => fill(key)) };
  return typeof body === 'object' && body !== null && 'id' in body ? fill(body as KeyView) : body;
}

async function peekJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** Sessions that an admin change just ended: a disabled user's, a revoked admin key's. */
async function endSessionsAfter(method: string, pathname: string, body: unknown, sessions: ConsoleSessionStore): Promise<void> {
  const user = /^\/api\/admin\/users\/([^/]+)$/.exec(pathname);
  if (user) {
    const status = (body as { status?: unknown } | null)?.status;
    if (method === 'DELETE' || (method === 'PATCH' && status === 'disabled')) {
      await sessions.revokeSubject('user', decodeURIComponent(user[1]!));
    }
  }
  const adminKey = /^\/api\/admin\/admin-keys\/([^/]+)$/.exec(pathname);
  if (adminKey && method === 'DELETE') await sessions.revokeSubject('admin', decodeURIComponent(adminKey[1]!));
}
