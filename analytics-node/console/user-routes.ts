// /api/me/*: the signed-in end user's own account, always scoped by the session's user id
// (never a request parameter). Account, keys and ledger come from the worker's internal
// per-user API; spend, usage and requests from the log.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { LogStore } from '../log-store';
import type { MeAccount } from './api-types';
import { apiError, type ConsoleEnv } from './console-env';
import { exportResponse } from './export-file';
import { decodeCursor, instant, logFilterShape } from './log-filters';
import { parse } from './ops-routes';
import type { ConsoleSessionStore } from './session-store';
import { isTimeZone, keyUse, spendSummary, usageReport, userRequests, userRequestsSql } from './user-queries';
import { userPath, type WorkerClient } from './worker-client';

const DAY_MS = 86_400_000;
const tz = z.string().refine(isTimeZone, 'expected an IANA time zone (Area/City)').default('UTC');
const { user: _user, final: _final, ...ownFilters } = logFilterShape;
const usageSchema = z.object({ from: instant('from').optional(), to: instant('to').optional(), tz, by: z.enum(['model', 'key', 'day']).default('day') });
const requestsSchema = z.object({ ...ownFilters, cursor: z.string().max(1024).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });
const exportSchema = z.object({ ...ownFilters, format: z.literal('csv').default('csv') });
const limitNumber = z.number().int().min(0).max(1_000_000_000).nullable();
const budget = z.number().min(0).max(1_000_000).nullable();
const keyCreateSchema = z.strictObject({ name: z.string().min(1).max(100), rpm: limitNumber.optional(), tpm: limitNumber.optional(), budget_daily_usd: budget.optional(), budget_monthly_usd: budget.optional(), expires_at: z.number().int().min(0).nullable().optional() });
const keyPatchSchema = keyCreateSchema.partial().extend({ status: z.enum(['active', 'disabled']).optional() }).strict();

type UserContext = Context<ConsoleEnv>;

interface WorkerUser {
  id: string;
  group: string;
  balance_usd: number;
  budget_monthly_usd: number | null;
  status: string;
  account: { available_usd: number; month_spend_usd: number } | null;
}

export function userRoutes(store: LogStore, worker: WorkerClient | null, sessions: ConsoleSessionStore, now: () => number): Hono<ConsoleEnv> {
  const route = new Hono<ConsoleEnv>();
  const userOf = (c: UserContext): string => {
    const identity = c.get('session').identity;
    if (identity.kind !== 'user') throw new Error('user route reached without a user session');
    return identity.user_id;
  };

  /** The worker's call for this user; a disabled or vanished user's session ends here. */
  async function call(c: UserContext, method: string, rest: string, body?: unknown): Promise<Response> {
    if (worker === null) return apiError(c, 503, 'The node has no WORKER_URL to call.', 'no_worker');
    try {
      return await worker({ method, path: userPath(userOf(c), rest), body: body === undefined ? null : JSON.stringify(body), contentType: body === undefined ? undefined : 'application/json' });
    } catch {
      return apiError(c, 502, 'The worker did not answer.', 'worker_unreachable');
    }
  }

  async function account(c: UserContext): Promise<MeAccount | Response> {
    const response = await call(c, 'GET', '');
    if (!response.ok) return response.status === 404 ? endSession(c) : passThrough(response);
    const user = (await response.json()) as WorkerUser;
    if (user.status === 'disabled') return endSession(c);
    return { user_id: user.id, group: user.group, balance_usd: user.balance_usd, available_usd: user.account?.available_usd ?? null, budget_monthly_usd: user.budget_monthly_usd, month_spend_usd: user.account?.month_spend_usd ?? null };
  }

  async function endSession(c: UserContext): Promise<Response> {
    await sessions.revokeSubject('user', userOf(c));
    return apiError(c, 401, 'This account is disabled.', 'account_disabled');
  }

  route.get('/api/me', async (c) => {
    const me = await account(c);
    return me instanceof Response ? me : c.json(me);
  });

  route.get('/api/me/overview', async (c) => {
    const query = parse(c, z.object({ tz }));
    if (!query.ok) return query.response;
    const me = await account(c);
    if (me instanceof Response) return me;
    const spend = await spendSummary(store, me.user_id, query.value.tz, now());
    const burn = spend.burn7 / 7;
    const available = me.available_usd ?? me.balance_usd;
    return c.json({
      tz: query.value.tz, balance_usd: me.balance_usd, available_usd: me.available_usd,
      burn_rate_usd_per_day: burn, days_left: burn > 0 ? Math.max(0, available / burn) : null,
      spend_today_usd: spend.today, spend_7d_usd: spend.last7, spend_30d_usd: spend.last30, ttft_p95_ms: spend.ttft_p95_ms,
    });
  });

  route.get('/api/me/usage', async (c) => {
    const query = parse(c, usageSchema);
    if (!query.ok) return query.response;
    const to = query.value.to ?? now();
    const from = query.value.from ?? to - 30 * DAY_MS;
    if (!(from < to) || to - from > 400 * DAY_MS) return apiError(c, 400, 'from must be before to, at most 400 days apart.', 'invalid_query');
    return c.json(await usageReport(store, userOf(c), query.value.by, from, to, query.value.tz));
  });

  route.get('/api/me/ledger', async (c) => {
    const limit = Math.min(1000, Math.max(1, Number(c.req.query('limit') ?? 100) || 100));
    return passThrough(await call(c, 'GET', `/ledger?limit=${limit}`));
  });

  route.get('/api/me/keys', async (c) => {
    const response = await call(c, 'GET', '/keys');
    if (!response.ok) return passThrough(response);
    const keys = (await response.json()) as { data?: { id: string; last_used_at?: number | null }[] };
    if (!Array.isArray(keys.data)) return apiError(c, 502, 'The worker answered an unexpected shape.', 'worker_shape');
    // Spend and last use from the log (the worker's key rows do not track use).
    const use = await keyUse(store, userOf(c), now() - 30 * DAY_MS);
    return c.json({
      data: keys.data.map((key) => ({ ...key, last_used_at: latest(key.last_used_at, use.get(key.id)?.lastUsedAt), spend_30d_usd: use.get(key.id)?.spend ?? 0 })),
    });
  });
  route.post('/api/me/keys', async (c) => {
    const body = keyCreateSchema.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return apiError(c, 400, `${body.error.issues[0]?.path.join('.') || 'body'}: ${body.error.issues[0]?.message}`, 'invalid_body');
    return passThrough(await call(c, 'POST', '/keys', body.data));
  });
  route.patch('/api/me/keys/:id', async (c) => {
    const body = keyPatchSchema.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return apiError(c, 400, `${body.error.issues[0]?.path.join('.') || 'body'}: ${body.error.issues[0]?.message}`, 'invalid_body');
    return passThrough(await call(c, 'PATCH', `/keys/${encodeURIComponent(c.req.param('id'))}`, body.data));
  });
  route.delete('/api/me/keys/:id', async (c) => passThrough(await call(c, 'DELETE', `/keys/${encodeURIComponent(c.req.param('id'))}`)));

  route.get('/api/me/requests', async (c) => {
    const query = parse(c, requestsSchema);
    if (!query.ok) return query.response;
    const { cursor: text, limit, ...filter } = query.value;
    const cursor = text === undefined ? null : decodeCursor(text);
    if (text !== undefined && cursor === null) return apiError(c, 400, 'cursor: not one this API gave out.', 'invalid_query');
    return c.json(await userRequests(store, userOf(c), filter, cursor, limit));
  });
  route.get('/api/me/requests/export', async (c) => {
    const query = parse(c, exportSchema);
    if (!query.ok) return query.response;
    const { format, ...filter } = query.value;
    const { sql, values } = userRequestsSql(store, userOf(c), filter, null);
    return exportResponse(store, sql, values, format, 'requests');
  });

  return route;
}

/** The later of two optional instants (null when neither is known). */
export function latest(first: number | null | undefined, second: number | null | undefined): number | null {
  const known = [first, second].filter((value): value is number => typeof value === 'number');
  return known.length === 0 ? null : Math.max(...known);
}

/** The worker's answer as is (status, JSON body), never its other headers. */
function passThrough(response: Response): Response {
  return new Response(response.body, { status: response.status, headers: { 'content-type': response.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' } });
}
