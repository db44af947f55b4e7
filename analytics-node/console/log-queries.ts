// SQL for the operator's attempt log: a keyset page, totals and a histogram over the filtered
// set, the live tail, one request's retry chain with its decision, and the explorer's list.
import type { DuckDBValue } from '@duckdb/node-api';
import type { DecisionRecord } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import type { ExplorerRow, Histogram, LogPage, LogRow, LogTail, LogTotals, RequestDetail } from './api-types';
import { tableExists } from './console-tables';
import { consoleSql } from './console-sql';
import { LOG_ROW_COLUMNS, beforeCursorSql, encodeCursor, filterSql, type LogCursor, type LogFilter } from './log-filters';
import { rangeSource, rawSource, rollupFits, type RangeSource, type RollupKind } from './rollup-source';

const FIRST_WINDOW_MS = 60_000;
const WINDOW_GROWTH = 8;
const HOUR_MS = 3_600_000;

/**
 * Newest first, keyset-paginated. Instead of sorting the whole filtered set for a top-N, it
 * reads a window of ts_start below the cursor (or the newest row), a minute at first, and
 * only reads further back, in windows eight times wider, while the page is short.
 */
export async function logPage(store: LogStore, filter: LogFilter, cursor: LogCursor | null, limit: number): Promise<LogPage> {
  const db = consoleSql(store);
  const [bounds] = await db.query<{ first: number | null; last: number | null }>(
    `SELECT min(ts_start)::DOUBLE AS first, max(ts_start)::DOUBLE AS last FROM ${db.log}`,
  );
  const rows: LogRow[] = [];
  if (bounds?.first !== null && bounds?.first !== undefined && bounds.last !== null) {
    const lowest = Math.max(bounds.first, filter.from ?? -Infinity);
    let upper = Math.min(bounds.last + 1, filter.to ?? Infinity, cursor === null ? Infinity : cursor.ts + 1);
    let width = FIRST_WINDOW_MS;
    let open = true; // the first window has no upper bound of its own (the filter's and the cursor's apply)
    while (rows.length <= limit && upper > lowest) {
      const lower = Math.max(lowest, upper - width);
      const page = filterSql(filter);
      let where = cursor === null ? page.where : `${page.where} AND ${beforeCursorSql(cursor, page.values)}`;
      page.values.push(Math.trunc(lower));
      where += ` AND ts_start >= $${page.values.length}`;
      if (!open) {
        page.values.push(Math.trunc(upper));
        where += ` AND ts_start < $${page.values.length}`;
      }
      rows.push(...(await db.query<LogRow>(
        `SELECT ${LOG_ROW_COLUMNS} FROM ${db.log} WHERE ${where}
         ORDER BY ts_start DESC, request_id DESC, attempt DESC LIMIT ${limit + 1 - rows.length}`,
        page.values,
      )));
      open = false;
      upper = lower;
      width *= WINDOW_GROWTH;
    }
  }
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return {
    rows: shown,
    next_cursor: more && last ? encodeCursor({ ts: last.ts_start, request_id: last.request_id, attempt: last.attempt }) : null,
    totals: await logTotals(store, filter),
  };
}

/** The filtered set's row source: a rollup when one has every filtered column, else the log. */
async function sourceFor(store: LogStore, filter: LogFilter): Promise<{ kind: RollupKind; source: RangeSource }> {
  if (rollupFits('hourly', filter)) return { kind: 'hourly', source: await rangeSource(store, 'hourly', filter) };
  if (rollupFits('keys', filter)) return { kind: 'keys', source: await rangeSource(store, 'keys', filter) };
  return { kind: 'hourly', source: rawSource(store, 'hourly', filter) };
}

export async function logTotals(store: LogStore, filter: LogFilter): Promise<LogTotals> {
  const { kind, source } = await sourceFor(store, filter);
  const finals = kind === 'hourly' ? 'sum(attempts) FILTER (WHERE final)' : 'sum(final_attempts)';
  const errors = kind === 'hourly' ? `sum(attempts) FILTER (WHERE error_class <> 'none')` : 'sum(error_attempts)';
  const [row] = await consoleSql(store).query<LogTotals>(
    `SELECT coalesce(sum(attempts), 0)::DOUBLE AS attempts,
       coalesce(${finals}, 0)::DOUBLE AS requests,
       coalesce(${errors}, 0)::DOUBLE AS errors,
       coalesce(sum(input_tokens), 0)::DOUBLE AS input_tokens,
       coalesce(sum(output_tokens), 0)::DOUBLE AS output_tokens,
       coalesce(sum(cached_input_tokens), 0)::DOUBLE AS cached_input_tokens,
       coalesce(sum(cost_usd), 0)::DOUBLE AS cost_usd,
       coalesce(sum(price_usd), 0)::DOUBLE AS revenue_usd
     FROM ${source.sql}`,
    source.values,
  );
  return row!;
}

/**
 * Attempts and errors per bucket. A range longer than `buckets` hours, with filters the hourly
 * rollup has, is answered from it: buckets are then whole hours and start on an hour (the
 * first at or before the range's start); the counts still cover only the filtered range.
 */
export async function logHistogram(store: LogStore, filter: LogFilter, buckets: number, nowMs: number): Promise<Histogram> {
  const db = consoleSql(store);
  const fits = db.rollups && rollupFits('hourly', filter);
  let from = filter.from;
  const to = filter.to ?? nowMs;
  if (from === undefined) {
    // The filtered set's first attempt: exact from the rollup (first_ts is min ts_start).
    const { where, values } = filterSql({ ...filter, from: undefined, to: undefined });
    const table = fits ? `(SELECT channel_id, model, status, error_class, stream, final, first_ts FROM rollup_hourly
      UNION ALL SELECT channel_id, model, status, error_class, stream, final, ts_start FROM rollup_pending)` : `(SELECT *, ts_start AS first_ts FROM ${db.log})`;
    const [row] = await db.query<{ first: number | null }>(`SELECT min(first_ts)::DOUBLE AS first FROM ${table} WHERE ${where}`, values);
    from = row?.first !== null && row?.first !== undefined && row.first < to ? row.first : to - 3_600_000;
  }
  const hourly = fits && to - from > buckets * HOUR_MS;
  const origin = hourly ? Math.floor(from / HOUR_MS) * HOUR_MS : from;
  const bucketMs = hourly ? Math.ceil((to - origin) / buckets / HOUR_MS) * HOUR_MS : Math.max(1000, Math.ceil((to - from) / buckets / 1000) * 1000);
  const ranged = { ...filter, from, to };
  const source = hourly ? await rangeSource(store, 'hourly', ranged) : rawSource(store, 'hourly', ranged);
  const values = [...source.values, Math.trunc(origin), bucketMs];
  const rows = await db.query<{ slot: number; attempts: number; errors: number }>(
    `SELECT ${db.intDiv(`ts - $${values.length - 1}`, `$${values.length}`)}::DOUBLE AS slot, sum(attempts)::DOUBLE AS attempts,
       coalesce(sum(attempts) FILTER (WHERE error_class <> 'none'), 0)::DOUBLE AS errors
     FROM ${source.sql} GROUP BY slot ORDER BY slot`,
    values,
  );
  const count = Math.max(1, Math.ceil((to - origin) / bucketMs));
  const result = Array.from({ length: count }, (_, index) => ({ at: origin + index * bucketMs, attempts: 0, errors: 0 }));
  for (const row of rows) {
    const bucket = result[row.slot];
    if (bucket) Object.assign(bucket, { attempts: row.attempts, errors: row.errors });
  }
  return { from: origin, to, bucket_ms: bucketMs, buckets: result };
}

/** Attempts that ended after `after` (epoch ms of ts_end), oldest first, at most `limit`. */
export async function logTail(store: LogStore, filter: LogFilter, after: number, limit: number): Promise<LogTail> {
  const { where, values } = filterSql(filter);
  values.push(Math.trunc(after));
  const db = consoleSql(store);
  const rows = await db.query<LogRow>(
    `SELECT ${LOG_ROW_COLUMNS} FROM ${db.log} WHERE ${where} AND ts_end > $${values.length}
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
  const db = consoleSql(store);
  const attempts = await db.query<LogRow>(`SELECT ${LOG_ROW_COLUMNS} FROM ${db.log} WHERE request_id = $1 ORDER BY attempt`, [requestId]);
  if (attempts.length === 0) return null;
  let decision: DecisionRecord | null = null;
  if (await tableExists(store, 'decisions')) {
    const [row] = await db.query<DecisionRow>(
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
  const db = consoleSql(store);
  if (filter.channel !== undefined) conditions.push(`${db.jsonFirst('plan')} = ${bind(filter.channel)}`);
  return db.query<ExplorerRow>(
    `SELECT request_id, ts::DOUBLE AS ts, user_id, key_id, model, mode, rule,
       ${db.jsonFirst('plan')} AS winner, reason, total_candidates::DOUBLE AS total_candidates
     FROM decisions WHERE ${conditions.join(' AND ') || 'TRUE'} ORDER BY ts DESC LIMIT ${limit}`,
    values,
  );
}
