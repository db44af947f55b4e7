// The end user's own numbers from the log, always filtered on the session's user id:
// spend today / 7 / 30 days with day boundaries in their time zone, burn rate, TTFT p95,
// usage by model / key / day, and their requests with errors in plain words.
import type { DuckDBValue } from '@duckdb/node-api';
import type { ErrorClass } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import type { UsageDimension, UsageGroup, UsageReport, UserRequestRow } from './api-types';
import { beforeCursorSql, encodeCursor, filterSql, type LogCursor, type LogFilter } from './log-filters';

const DAY_MS = 86_400_000;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.length <= 64;
  } catch {
    return false;
  }
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone, minus `daysBack` days. */
export function localDate(epochMs: number, tz: string, daysBack = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(epochMs);
  return new Date(Date.parse(`${today}T00:00:00Z`) - daysBack * DAY_MS).toISOString().slice(0, 10);
}

/** A row's local date in SQL: `ts` epoch ms, `tz` a bound parameter. */
const localDay = (tz: string) => `strftime(timezone(${tz}, to_timestamp(ts_start / 1000)), '%Y-%m-%d')`;

export interface SpendSummary {
  today: number;
  last7: number;
  last30: number;
  burn7: number;
  ttft_p95_ms: number | null;
}

export async function spendSummary(store: LogStore, userId: string, tz: string, nowMs: number): Promise<SpendSummary> {
  const [row] = await store.query<SpendSummary>(
    `SELECT coalesce(sum(price_usd) FILTER (WHERE day = $3), 0)::DOUBLE AS today,
       coalesce(sum(price_usd) FILTER (WHERE day >= $4), 0)::DOUBLE AS last7,
       coalesce(sum(price_usd) FILTER (WHERE day >= $5), 0)::DOUBLE AS last30,
       coalesce(sum(price_usd) FILTER (WHERE ts_start >= $6), 0)::DOUBLE AS burn7,
       approx_quantile(ttft_ms, 0.95) FILTER (WHERE ts_start >= $6 AND final)::DOUBLE AS ttft_p95_ms
     FROM (SELECT price_usd, ttft_ms, final, ts_start, ${localDay('$2')} AS day FROM log
           WHERE user_id = $1 AND ts_start >= $7)`,
    [userId, tz, localDate(nowMs, tz), localDate(nowMs, tz, 6), localDate(nowMs, tz, 29), Math.trunc(nowMs - 7 * DAY_MS), Math.trunc(nowMs - 32 * DAY_MS)],
  );
  return row!;
}

const GROUP: Record<UsageDimension, (tz: string) => string> = { model: () => 'model', key: () => 'key_id', day: localDay };

export async function usageReport(store: LogStore, userId: string, by: UsageDimension, from: number, to: number, tz: string): Promise<UsageReport> {
  const groups = await store.query<UsageGroup>(
    `SELECT ${GROUP[by]('$4')} AS key,
       count(*) FILTER (WHERE final)::DOUBLE AS requests,
       coalesce(sum(input_tokens) FILTER (WHERE final), 0)::DOUBLE AS input_tokens,
       coalesce(sum(cached_input_tokens) FILTER (WHERE final), 0)::DOUBLE AS cached_input_tokens,
       coalesce(sum(output_tokens) FILTER (WHERE final), 0)::DOUBLE AS output_tokens,
       coalesce(sum(price_usd), 0)::DOUBLE AS spend_usd
     FROM log WHERE user_id = $1 AND ts_start >= $2 AND ts_start < $3 AND ($4 IS NOT NULL)
     GROUP BY 1 ORDER BY 1`,
    [userId, Math.trunc(from), Math.trunc(to), tz],
  );
  const totals = { requests: 0, input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, spend_usd: 0 };
  for (const group of groups) for (const field of Object.keys(totals) as (keyof typeof totals)[]) totals[field] += group[field];
  return { from, to, tz, by, groups, totals };
}

export async function spendByKey(store: LogStore, userId: string, since: number): Promise<Map<string, number>> {
  const rows = await store.query<{ key_id: string; spend: number }>(
    `SELECT key_id, sum(price_usd)::DOUBLE AS spend FROM log WHERE user_id = $1 AND ts_start >= $2 GROUP BY key_id`,
    [userId, Math.trunc(since)],
  );
  return new Map(rows.map((row) => [row.key_id, row.spend]));
}

/** The user's requests (their final attempts), newest first; `filter.user` is forced to the session's. */
export function userRequestsSql(userId: string, filter: LogFilter, cursor: LogCursor | null): { sql: string; values: DuckDBValue[] } {
  const { where, values } = filterSql({ ...filter, user: userId, final: true });
  const keyset = cursor === null ? '' : ` AND ${beforeCursorSql(cursor, values)}`;
  return {
    sql: `SELECT request_id, ts_start::DOUBLE AS ts, model, key_id, stream, status, error_class, attempt::DOUBLE AS attempts,
            input_tokens::DOUBLE AS input_tokens, cached_input_tokens::DOUBLE AS cached_input_tokens,
            output_tokens::DOUBLE AS output_tokens, price_usd AS spend_usd, ttft_ms, duration_ms
          FROM log WHERE ${where}${keyset} ORDER BY ts_start DESC, request_id DESC, attempt DESC`,
    values,
  };
}

export async function userRequests(store: LogStore, userId: string, filter: LogFilter, cursor: LogCursor | null, limit: number) {
  const { sql, values } = userRequestsSql(userId, filter, cursor);
  const rows = await store.query<Omit<UserRequestRow, 'error_explained'>>(`${sql} LIMIT ${limit + 1}`, values);
  const more = rows.length > limit;
  const shown = (more ? rows.slice(0, limit) : rows).map((row) => ({ ...row, error_explained: explainError(row.error_class, row.status) }));
  const last = shown.at(-1);
  return { rows: shown, next_cursor: more && last ? encodeCursor({ ts: last.ts, request_id: last.request_id, attempt: last.attempts }) : null };
}

/** An error in words an API user can act on. */
export function explainError(errorClass: ErrorClass, status: number): string {
  switch (errorClass) {
    case 'none':
      return '';
    case 'client':
      return `The request was rejected as invalid (HTTP ${status}): check the model name, parameters and message format.`;
    case 'rate_limit':
      return 'Every provider for this model was rate limiting at the time; retry after a short wait.';
    case 'server':
      return `The provider failed (HTTP ${status}) and no other provider could take over; retrying usually works.`;
    case 'timeout':
      return 'The provider took too long to start answering.';
    case 'connection':
      return 'The provider could not be reached.';
    case 'mid_stream':
      return 'The answer broke off part-way through the stream; you were charged only for what arrived.';
    case 'cancelled':
      return 'The request was cancelled: the client closed the connection before the answer finished.';
  }
}
