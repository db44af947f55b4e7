// The end user's own numbers from the log, always filtered on the session's user id:
// spend today / 7 / 30 days with day boundaries in their time zone, burn rate, TTFT p95,
// usage by model / key / day, and their requests with errors in plain words.
import type { DuckDBValue } from '@duckdb/node-api';
import type { ErrorClass } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import type { UsageDimension, UsageGroup, UsageReport, UserRequestRow } from './api-types';
import { TTFT_HISTOGRAM, histogramQuantile } from '../histogram';
import { beforeCursorSql, encodeCursor, filterSql, type LogCursor, type LogFilter } from './log-filters';
import { rangeSource, rawSource } from './rollup-source';
import { consoleSql } from './console-sql';

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

/** The zone's offset from UTC at an instant, in minutes. */
export function offsetMinutes(epochMs: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(epochMs);
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value);
  const local = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return Math.round((local - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/** The instant a local date (YYYY-MM-DD) begins in a time zone. */
export function zonedMidnight(date: string, tz: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  let guess = utcMidnight - offsetMinutes(utcMidnight, tz) * 60_000;
  guess = utcMidnight - offsetMinutes(guess, tz) * 60_000; // again, in case the offset differs there (DST)
  return guess;
}

/**
 * Whether local midnights in [from, to] fall on whole UTC hours (the zone's offset is a whole
 * number of hours at both ends), so hourly rollup rows never straddle a local day.
 */
export function hourAligned(tz: string, from: number, to: number): boolean {
  return offsetMinutes(from, tz) % 60 === 0 && offsetMinutes(to, tz) % 60 === 0;
}

export interface SpendSummary {
  today: number;
  last7: number;
  last30: number;
  burn7: number;
  ttft_p95_ms: number | null;
}

export async function spendSummary(store: LogStore, userId: string, tz: string, nowMs: number): Promise<SpendSummary> {
  const today = zonedMidnight(localDate(nowMs, tz), tz);
  const since7 = zonedMidnight(localDate(nowMs, tz, 6), tz);
  const since30 = zonedMidnight(localDate(nowMs, tz, 29), tz);
  const weekAgo = Math.trunc(nowMs - 7 * DAY_MS);
  // Spend by local day from the user's hourly rollup (the raw log when the zone is not on whole hours).
  const db = consoleSql(store);
  const days = hourAligned(tz, since30, nowMs) ? await rangeSource(store, 'users', { user: userId, from: since30 }) : rawSource(store, 'users', { user: userId, from: since30 });
  const dayValues = [...days.values, today, since7];
  const [spend] = await db.query<{ today: number; last7: number; last30: number }>(
    `SELECT coalesce(sum(price_usd) FILTER (WHERE ts >= $${dayValues.length - 1}), 0)::DOUBLE AS today,
       coalesce(sum(price_usd) FILTER (WHERE ts >= $${dayValues.length}), 0)::DOUBLE AS last7,
       coalesce(sum(price_usd), 0)::DOUBLE AS last30
     FROM ${days.sql}`,
    dayValues,
  );
  const burn = await rangeSource(store, 'users', { user: userId, from: weekAgo });
  const [burned] = await db.query<{ burn7: number }>(`SELECT coalesce(sum(price_usd), 0)::DOUBLE AS burn7 FROM ${burn.sql}`, burn.values);
  const ttft = await rangeSource(store, 'ttft', { user: userId, from: weekAgo });
  const buckets = await db.query<{ bucket: number; finals: number }>(
    `SELECT ttft_bucket::DOUBLE AS bucket, sum(finals)::DOUBLE AS finals FROM ${ttft.sql} GROUP BY ALL`,
    ttft.values,
  );
  const counts = new Array<number>(TTFT_HISTOGRAM.buckets).fill(0);
  for (const row of buckets) counts[row.bucket] = row.finals;
  const p95 = histogramQuantile(counts, buckets.reduce((sum, row) => sum + row.finals, 0), 0.95, TTFT_HISTOGRAM);
  return { ...spend!, burn7: burned!.burn7, ttft_p95_ms: p95 === null ? null : Math.round(p95 * 10) / 10 };
}

export async function usageReport(store: LogStore, userId: string, by: UsageDimension, from: number, to: number, tz: string): Promise<UsageReport> {
  const range = { user: userId, from: Math.trunc(from), to: Math.trunc(to) };
  // By day: the hourly per-user rollup (days in tz); by model or key: the daily per-key one.
  const source = by === 'day'
    ? (hourAligned(tz, from, to) ? await rangeSource(store, 'users', range) : rawSource(store, 'users', range))
    : await rangeSource(store, 'keys', range);
  const values = [...source.values, tz];
  const db = consoleSql(store);
  // A row's local date: `ts` epoch ms, the zone a bound parameter.
  const group = by === 'day' ? db.localDay('ts', `$${values.length}`) : by === 'model' ? 'model' : 'key_id';
  const groups = await db.query<UsageGroup>(
    `SELECT ${group} AS key,
       coalesce(sum(final_attempts), 0)::DOUBLE AS requests,
       coalesce(sum(final_input_tokens), 0)::DOUBLE AS input_tokens,
       coalesce(sum(final_cached_input_tokens), 0)::DOUBLE AS cached_input_tokens,
       coalesce(sum(final_output_tokens), 0)::DOUBLE AS output_tokens,
       coalesce(sum(price_usd), 0)::DOUBLE AS spend_usd
     FROM ${source.sql} WHERE $${values.length} IS NOT NULL
     GROUP BY 1 ORDER BY 1`,
    values,
  );
  const totals = { requests: 0, input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, spend_usd: 0 };
  for (const group of groups) for (const field of Object.keys(totals) as (keyof typeof totals)[]) totals[field] += group[field];
  return { from, to, tz, by, groups, totals };
}

export interface KeyUse {
  spend: number;
  lastUsedAt: number | null;
}

/** Per key of the user: spend since `since` and the last attempt ever (max ts_start), from the daily key rollup. */
export async function keyUse(store: LogStore, userId: string, since: number): Promise<Map<string, KeyUse>> {
  const source = await rangeSource(store, 'keys', { user: userId, from: Math.trunc(since) });
  const spent = await consoleSql(store).query<{ key_id: string; spend: number }>(`SELECT key_id, sum(price_usd)::DOUBLE AS spend FROM ${source.sql} GROUP BY key_id`, source.values);
  const used = await lastUsed(store, userId);
  const result = new Map<string, KeyUse>();
  for (const [keyId, at] of used) result.set(keyId, { spend: 0, lastUsedAt: at });
  for (const row of spent) result.set(row.key_id, { spend: row.spend, lastUsedAt: used.get(row.key_id) ?? null });
  return result;
}

/** Each key's newest attempt (max ts_start), for one user or all of them. */
export async function lastUsed(store: LogStore, userId?: string): Promise<Map<string, number>> {
  const db = consoleSql(store);
  const source = db.rollups
    ? 'SELECT key_id, user_id, last_ts AS used_at FROM rollup_keys_daily UNION ALL SELECT key_id, user_id, ts_start FROM rollup_pending'
    : `SELECT key_id, user_id, ts_start AS used_at FROM ${db.log}`;
  const rows = await db.query<{ key_id: string; used_at: number }>(
    `SELECT key_id, max(used_at)::DOUBLE AS used_at FROM (${source}) ${userId === undefined ? '' : 'WHERE user_id = $1'} GROUP BY key_id`,
    userId === undefined ? [] : [userId],
  );
  return new Map(rows.map((row) => [row.key_id, row.used_at]));
}

/** The user's requests (their final attempts), newest first; `filter.user` is forced to the session's. */
export function userRequestsSql(store: LogStore, userId: string, filter: LogFilter, cursor: LogCursor | null): { sql: string; values: DuckDBValue[] } {
  const { where, values } = filterSql({ ...filter, user: userId, final: true });
  const keyset = cursor === null ? '' : ` AND ${beforeCursorSql(cursor, values)}`;
  return {
    sql: `SELECT request_id, ts_start::DOUBLE AS ts, model, key_id, stream, status, error_class, attempt::DOUBLE AS attempts,
            input_tokens::DOUBLE AS input_tokens, cached_input_tokens::DOUBLE AS cached_input_tokens,
            output_tokens::DOUBLE AS output_tokens, price_usd AS spend_usd, ttft_ms, duration_ms
          FROM ${consoleSql(store).log} WHERE ${where}${keyset} ORDER BY ts_start DESC, request_id DESC, attempt DESC`,
    values,
  };
}

export async function userRequests(store: LogStore, userId: string, filter: LogFilter, cursor: LogCursor | null, limit: number) {
  const { sql, values } = userRequestsSql(store, userId, filter, cursor);
  const rows = await consoleSql(store).query<Omit<UserRequestRow, 'error_explained'>>(`${sql} LIMIT ${limit + 1}`, values);
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
