// Read-only routes: /stats, /usage, /requests/:id, /scores behind the reader guard (an admin
// credential, a dashboard session or the worker's internal secret: read-auth.ts); /health open.
import { Hono, type MiddlewareHandler } from 'hono';
import type { ScoreTable } from '../worker/core/types';
import type { LogStore } from './log-store';
import { queryRequest, queryStats, queryUsage } from './queries';
import { firstIssue, statsQuerySchema, usageQuerySchema } from './schemas';

const DAY_MS = 86_400_000;
const MAX_USAGE_SPAN_MS = 400 * DAY_MS;

export interface QueryRoutesOptions {
  store: LogStore;
  /** Guards every route here but /health. */
  guard: MiddlewareHandler;
  now(): number;
  currentScores(): ScoreTable;
  lastIngest(): number | null;
}

export function queryRoutes(options: QueryRoutesOptions): Hono {
  const route = new Hono();
  const guard = options.guard;

  route.get('/stats', guard, async function stats(c) {
    const parsed = statsQuerySchema.safeParse(c.req.query());
    if (!parsed.success) return invalidQuery(c, parsed.error);
    return c.json(await queryStats(options.store, parsed.data.window, options.now()));
  });

  route.get('/usage', guard, async function usage(c) {
    const parsed = usageQuerySchema.safeParse(c.req.query());
    if (!parsed.success) return invalidQuery(c, parsed.error);
    const toMs = parsed.data.to ?? options.now();
    const fromMs = parsed.data.from ?? toMs - 30 * DAY_MS;
    if (!(fromMs < toMs) || toMs - fromMs > MAX_USAGE_SPAN_MS) {
      return c.json({ error: 'from must be before to, at most 400 days apart', path: 'from' }, 400);
    }
    const { user, key } = parsed.data;
    return c.json(await queryUsage(options.store, { fromMs, toMs, user, key }));
  });

  // One request's attempts, for an operator chasing a charge (and the money tests end to end).
  route.get('/requests/:request_id', guard, async function request(c) {
    const requestId = c.req.param('request_id');
    if (requestId.length === 0 || requestId.length > 256) return c.json({ error: 'request_id: 1 to 256 characters', path: 'request_id' }, 400);
    const records = await queryRequest(options.store, requestId);
    return records.length === 0 ? c.json({ error: 'not found' }, 404) : c.json({ records });
  });

  route.get('/scores', guard, (c) => c.json(options.currentScores()));

  // Open: a load balancer's probe; it carries a row count and a time, nothing else.
  route.get('/health', (c) =>
    c.json({ ok: true, rows: options.store.rowCount(), last_ingest: options.lastIngest() }),
  );

  return route;
}

function invalidQuery(c: { json(body: unknown, status: 400): Response }, error: Parameters<typeof firstIssue>[0]) {
  const issue = firstIssue(error);
  return c.json({ error: `${issue.path || 'query'}: ${issue.message}`, path: issue.path }, 400);
}
