// SQL for the operator's attempt log: a keyset page, totals and a histogram over the filtered
// set, the live tail, one request's retry chain with its decision, and the explorer's list.
import type { DuckDBValue } from '@duckdb/node-api';
import type { DecisionRecord } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import type { ExplorerRow, Histogram, LogPage, LogRow, LogTail, LogTotals, RequestDetail } from './api-types';
import { tableExists } from './console-tables';
import { LOG_ROW_COLUMNS, beforeCursorSql, encodeCursor, filterSql, type LogCursor, type LogFilter } from './log-filters';

export async function logPage(store: LogStore, filter: LogFilter, cursor: LogCursor | null, limit: number): Promise<LogPage> {
  const page = filterSql(filter);
  const where = cursor === null ? page.where : `${page.where} AND ${beforeCursorSql(cursor, page.values)}`;
  const rows = await store.query<LogRow>(
    `SELECT ${LOG_ROW_COLUMNS} FROM log WHERE ${where}
     ORDER BY ts_start DESC, request_id DESC, attempt DESC LIMIT ${limit + 1}`,
    page.values,
  );
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return {
    rows: shown,
    next_cursor: more && last ? encodeCursor({ ts: last.ts_start, request_id: last.request_id, attempt: last.attempt }) : null,
    totals: await logTotals(store, filter),
  };
}

export async function logTotals(store: LogStore, filter: LogFilter): Promise<LogTotals> {
  const { where, values } = filterSql(filter);
  const [row] = await store.query<LogTotals>(
    `SELECT count(*)::DOUBLE AS attempts,
       count(*) FILTER (WHERE final)::DOUBLE AS requests,
       count(*) FILTER (WHERE error_class <> 'none')::DOUBLE AS errors,
       coalesce(sum(input_tokens), 0)::DOUBLE AS input_tokens,
       coalesce(sum(output_tokens), 0)::DOUBLE AS output_tokens,
       coalesce(sum(cached_input_tokens), 0)::DOUBLE AS cached_input_tokens,
       coalesce(sum(cost_usd), 0)::DOUBLE AS cost_usd,
       coalesce(sum(price_usd), 0)::DOUBLE AS revenue_usd
     FROM log WHERE ${where}`,
    values,
  );
  return row!;
}

export async function logHistogram(store: LogStore, filter: LogFilter, buckets: number, nowMs: number): Promise<Histogram> {
  let from = filter.from;
  const to = filter.to ?? nowMs;
  if (from === undefined) {
    const { where, values } = filterSql(filter);
    const [row] = await store.query<{ first: number | null }>(`SELECT min(ts_start)::DOUBLE AS first FROM log WHERE ${where}`, values);
    from = row?.first ?? to - 3_600_000;
  }
  const bucketMs = Math.max(1000, Math.ceil((to - from) / buckets / 1000) * 1000);
  const { where, values } = filterSql({ ...filter, from, to });
  values.push(Math.trunc(from), bucketMs);
  const origin = `$${values.length - 1}`;
  const width = `$${values.length}`;
  const rows = await store.query<{ slot: number; attempts: number; errors: number }>(
    `SELECT ((ts_start - ${origin}) // ${width})::DOUBLE AS slot, count(*)::DOUBLE AS attempts,
       count(*) FILTER (WHERE error_class <> 'none')::DOUBLE AS errors
     FROM log WHERE ${where} GROUP BY slot ORDER BY slot`,
    values,
  );
  const count = Math.max(1, Math.ceil((to - from) / bucketMs));
  const result = Array.from({ length: count }, (_, index) => ({ at: from! + index * bucketMs, attempts: 0, errors: 0 }));
  for (const row of rows) {
    const bucket = result[row.slot];
    if (bucket) Object.assign(bucket, { attempts: row.attempts, errors: row.errors });
  }
  return { from, to, bucket_ms: bucketMs, buckets: result };
}

/** Attempts that ended after `after` (epoch ms of ts_end), oldest first, at most `limit`. */
export async function logTail(store: LogStore, filter: LogFilter, after: number, limit: number): Promise<LogTail> {
  const { where, values } = filterSql(filter);
  values.push(Math.trunc(after));
  const rows = await store.query<LogRow>(
    `SELECT ${LOG_ROW_COLUMNS} FROM log WHERE ${where} AND ts_end > $${values.length}
     ORDER BY ts_end, request_id, attempt LIMIT ${limit}`,
    values,
  );
  return { rows, cursor: String(rows.at(-1)?.ts_end ?? after) };
}

interface DecisionRow {
  mode: string;
  rule: DecisionRecord['rule'];
  temperature: number;
  exploration: number;
  weights: unknown;
  score_version: number;
  total_candidates: number;
  candidates: unknown;
  plan: unknown;
  reason: string;
}

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

export async function requestDetail(store: LogStore, requestId: string): Promise<RequestDetail | null> {
  const attempts = await store.query<LogRow>(`SELECT ${LOG_ROW_COLUMNS} FROM log WHERE request_id = $1 ORDER BY attempt`, [requestId]);
  if (attempts.length === 0) return null;
  let decision: DecisionRecord | null = null;
  if (await tableExists(store, 'decisions')) {
    const [row] = await store.query<DecisionRow>(
      `SELECT mode, rule, temperature::DOUBLE AS temperature, exploration::DOUBLE AS exploration, weights,
         score_version::DOUBLE AS score_version, total_candidates::DOUBLE AS total_candidates, candidates, plan, reason
       FROM decisions WHERE request_id = $1 LIMIT 1`,
      [requestId],
    );
    if (row) decision = { ...row, weights: json(row.weights), candidates: json(row.candidates), plan: json(row.plan) };
  }
  return { request_id: requestId, attempts, decision };
}

export async function explorerRows(store: LogStore, filter: LogFilter, limit: number): Promise<ExplorerRow[]> {
  if (!(await tableExists(store, 'decisions'))) return [];
  const values: DuckDBValue[] = [];
  const conditions: string[] = [];
  const bind = (value: DuckDBValue) => `$${values.push(value)}`;
  if (filter.from !== undefined) conditions.push(`ts >= ${bind(Math.trunc(filter.from))}`);
  if (filter.to !== undefined) conditions.push(`ts < ${bind(Math.trunc(filter.to))}`);
  if (filter.user !== undefined) conditions.push(`user_id = ${bind(filter.user)}`);
  if (filter.key !== undefined) conditions.push(`key_id = ${bind(filter.key)}`);
  if (filter.model !== undefined) conditions.push(`model = ${bind(filter.model)}`);
  if (filter.channel !== undefined) conditions.push(`json_extract_string(plan, '$[0]') = ${bind(filter.channel)}`);
  return store.query<ExplorerRow>(
    `SELECT request_id, ts::DOUBLE AS ts, user_id, key_id, model, mode, rule,
       json_extract_string(plan, '$[0]') AS winner, reason, total_candidates::DOUBLE AS total_candidates
     FROM decisions WHERE ${conditions.join(' AND ') || 'TRUE'} ORDER BY ts DESC LIMIT ${limit}`,
    values,
  );
}
