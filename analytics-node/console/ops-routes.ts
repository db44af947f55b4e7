// /api/ops/*: the operator's query APIs (admin session). Every answer comes from DuckDB or
// the current score table; the invite route asks the worker whether the user exists.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { ScoreTable } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import { firstIssue } from '../schemas';
import { channelTimeline, channelsReport } from './channel-queries';
import { apiError, type ConsoleEnv } from './console-env';
import { consoleSql } from './console-sql';
import { economics, negativeMargin, type CachePrices } from './economics-queries';
import { exportResponse } from './export-file';
import { recentIncidents } from './incidents';
import type { InviteStore } from './invites';
import type { LiveEvents } from './live-events';
import { LOG_ROW_COLUMNS, decodeCursor, filterSql, instant, logFilterShape } from './log-filters';
import { explorerRows, logHistogram, logPage, logTail, requestDetail } from './log-queries';
import { overview } from './overview-queries';
import { userPath, workerJson, type WorkerClient } from './worker-client';

const DAY_MS = 86_400_000;
const windowSchema = z.object({ window: z.coerce.number().int().min(60).max(86_400).default(300) });
const rangeShape = { from: instant('from').optional(), to: instant('to').optional() };
const economicsSchema = z.object({ ...rangeShape, by: z.enum(['channel', 'model', 'user', 'key']).default('channel') });
const negativeSchema = z.object({ ...rangeShape, limit: z.coerce.number().int().min(1).max(1000).default(100) });
const pageSchema = z.object({ ...logFilterShape, cursor: z.string().max(1024).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });
const histogramSchema = z.object({ ...logFilterShape, buckets: z.coerce.number().int().min(1).max(500).default(60) });
const tailSchema = z.object({ ...logFilterShape, after: z.string().regex(/^\d+$/).transform(Number).optional() });
const exportSchema = z.object({ ...logFilterShape, format: z.enum(['csv', 'parquet']).default('csv') });
const explorerSchema = z.object({ ...logFilterShape, limit: z.coerce.number().int().min(1).max(500).default(100) });
const inviteSchema = z.strictObject({ user_id: z.string().min(1).max(256) });

export interface OpsRoutesOptions {
  store: LogStore;
  live: LiveEvents;
  invites: InviteStore;
  worker: WorkerClient | null;
  currentScores(): ScoreTable;
  cachePrices(actingAdmin: string): Promise<CachePrices | null>;
  now(): number;
}

export function opsRoutes(options: OpsRoutesOptions): Hono<ConsoleEnv> {
  const { store } = options;
  const route = new Hono<ConsoleEnv>();
  const range = (data: { from?: number; to?: number }, defaultSpan = 30 * DAY_MS) => {
    const to = data.to ?? options.now();
    return { from: data.from ?? to - defaultSpan, to };
  };

  route.get('/api/ops/overview', async (c) => {
    const query = parse(c, windowSchema);
    if (!query.ok) return query.response;
    return c.json(await overview(store, query.value.window, options.now(), options.currentScores().version));
  });
  route.get('/api/ops/live', (c) =>
    options.live.respond(c, async () => ({ event: 'overview', data: await overview(store, 300, options.now(), options.currentScores().version) })),
  );
  route.get('/api/ops/incidents', async (c) => {
    const limit = Math.min(500, Math.max(1, Number(c.req.query('limit') ?? 50) || 50));
    return c.json({ incidents: await recentIncidents(store, limit) });
  });
  route.get('/api/ops/channels', async (c) => {
    const query = parse(c, windowSchema);
    if (!query.ok) return query.response;
    return c.json(await channelsReport(store, options.currentScores(), query.value.window, options.now()));
  });
  route.get('/api/ops/channels/:id/timeline', async (c) => {
    const query = parse(c, z.object(rangeShape));
    if (!query.ok) return query.response;
    const { from, to } = range(query.value, 3_600_000);
    if (!(from < to)) return apiError(c, 400, 'from must be before to.', 'invalid_query');
    return c.json(await channelTimeline(store, c.req.param('id'), from, to));
  });
  route.get('/api/ops/economics', async (c) => {
    const query = parse(c, economicsSchema);
    if (!query.ok) return query.response;
    const { from, to } = range(query.value);
    const identity = c.get('session').identity;
    const prices = await options.cachePrices(identity.kind === 'admin' ? identity.id : '');
    return c.json(await economics(store, query.value.by, from, to, prices));
  });
  route.get('/api/ops/economics/negative', async (c) => {
    const query = parse(c, negativeSchema);
    if (!query.ok) return query.response;
    const { from, to } = range(query.value);
    return c.json({ rows: await negativeMargin(store, from, to, query.value.limit) });
  });
  route.get('/api/ops/log', async (c) => {
    const query = parse(c, pageSchema);
    if (!query.ok) return query.response;
    const { cursor: text, limit, ...filter } = query.value;
    const cursor = text === undefined ? null : decodeCursor(text);
    if (text !== undefined && cursor === null) return apiError(c, 400, 'cursor: not one this API gave out.', 'invalid_query');
    return c.json(await logPage(store, filter, cursor, limit));
  });
  route.get('/api/ops/log/histogram', async (c) => {
    const query = parse(c, histogramSchema);
    if (!query.ok) return query.response;
    const { buckets, ...filter } = query.value;
    return c.json(await logHistogram(store, filter, buckets, options.now()));
  });
  route.get('/api/ops/log/tail', async (c) => {
    const query = parse(c, tailSchema);
    if (!query.ok) return query.response;
    const { after, ...filter } = query.value;
    return c.json(await logTail(store, filter, after ?? options.now() - 10_000, 500));
  });
  route.get('/api/ops/log/export', async (c) => {
    const query = parse(c, exportSchema);
    if (!query.ok) return query.response;
    const { format, ...filter } = query.value;
    const { where, values } = filterSql(filter);
    // The deduplicated log (ClickHouse: FINAL), so a record two nodes stored is exported once.
    const log = consoleSql(store).log;
    return exportResponse(store, `SELECT ${LOG_ROW_COLUMNS} FROM ${log} WHERE ${where} ORDER BY ts_start DESC, request_id DESC, attempt DESC`, values, format, 'attempts');
  });
  route.get('/api/ops/requests/:id', async (c) => {
    const detail = await requestDetail(store, c.req.param('id'));
    return detail === null ? apiError(c, 404, 'No attempts logged for this request.', 'not_found') : c.json(detail);
  });
  route.get('/api/ops/explorer', async (c) => {
    const query = parse(c, explorerSchema);
    if (!query.ok) return query.response;
    const { limit, ...filter } = query.value;
    return c.json({ rows: await explorerRows(store, filter, limit) });
  });

  route.post('/api/ops/invites', async (c) => {
    const identity = c.get('session').identity;
    if (identity.kind !== 'admin' || identity.scope === 'read-only') return apiError(c, 403, 'A read-only admin cannot invite.', 'forbidden');
    const body = inviteSchema.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return apiError(c, 400, 'Body: {"user_id"}.', 'invalid_body');
    if (options.worker === null) return apiError(c, 503, 'The node has no WORKER_URL to call.', 'no_worker');
    const user = await workerJson(options.worker, { method: 'GET', path: userPath(body.data.user_id) });
    if (!user.ok) return user.status === 404 ? apiError(c, 404, 'No such user.', 'not_found') : apiError(c, 502, 'The worker did not answer.', 'worker_unreachable');
    const invite = await options.invites.create(body.data.user_id, identity.id);
    const origin = new URL(c.req.url).origin;
    return c.json({ token: invite.token, url: `${origin}/invite/${invite.token}`, expires_at: invite.expires_at }, 201);
  });

  return route;
}

export function parse<T extends z.ZodType>(c: Context, schema: T): { ok: true; value: z.infer<T> } | { ok: false; response: Response } {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = firstIssue(parsed.error);
  return { ok: false, response: apiError(c, 400, `${issue.path || 'query'}: ${issue.message}`, 'invalid_query') };
}
