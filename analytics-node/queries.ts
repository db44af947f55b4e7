// SQL over the log table: the /stats and /usage answers, and the start-up rebuild of the
// in-memory rollups (pre-aggregated in DuckDB: per pair × second × histogram bucket).
import { rebuildRollupExtras } from './rollups-rebuild';
import type { ErrorClass, LogRecord } from '../worker/core/types';
import { TOKENS_PER_S_HISTOGRAM, TTFT_HISTOGRAM, bucketSql } from './histogram';
import type { LogStore } from './log-store';
import { approximateQuantile, integerDivide, logSource, utcDay } from './store/dialect';
import { ERROR_CLASS_COUNTS_SQL, GENERATION_TOKENS_PER_SECOND_SQL, countsAsRecentAttempt, isChannelFailure } from './outcome';
import type { SlotCounts, WindowRollups } from './rollups';
import { ERROR_CLASSES } from './schemas';

export interface ChannelStats {
  channel: string;
  model: string;
  requests: number;
  errors: number;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  tokens_per_s: number | null;
  /** Prompt-cache reads and writes (5-minute and 1-hour), summed over the window. */
  cached_input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  cost_usd: number;
  revenue_usd: number;
}

export interface UsageRow {
  day: string; // YYYY-MM-DD, UTC, of ts_start
  model: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  /** Subsets of input_tokens: cache reads, 5-minute and 1-hour cache writes. */
  cached_input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  cost_usd: number;
  revenue_usd: number;
}

export interface UsageFilter {
  fromMs: number;
  toMs: number;
  user?: string;
  key?: string;
}

/** Per channel × model over the `windowS` seconds before `nowMs` (by ts_end). */
export async function queryStats(store: LogStore, windowS: number, nowMs: number): Promise<ChannelStats[]> {
  const quantile = (column: string, q: number) => approximateQuantile(store.dialect, column, q);
  return store.query<ChannelStats>(
    `SELECT channel_id AS channel, model,
       count(*)::DOUBLE AS requests,
       count(*) FILTER (WHERE error_class <> 'none')::DOUBLE AS errors,
       round(${quantile('ttft_ms', 0.5)}, 1) AS ttft_p50_ms,
       round(${quantile('ttft_ms', 0.95)}, 1) AS ttft_p95_ms,
       round(${quantile('tokens_per_s', 0.5)}, 2) AS tokens_per_s,
       sum(cached_input_tokens)::DOUBLE AS cached_input_tokens,
       sum(cache_write_tokens)::DOUBLE AS cache_write_tokens,
       sum(cache_write_1h_tokens)::DOUBLE AS cache_write_1h_tokens,
       sum(cost_usd) AS cost_usd,
       sum(price_usd) AS revenue_usd
     FROM (SELECT *, ${GENERATION_TOKENS_PER_SECOND_SQL} AS tokens_per_s FROM ${logSource(store.dialect)}
           WHERE ts_end >= ${Math.trunc(nowMs - windowS * 1000)}) windowed
     GROUP BY ALL ORDER BY channel, model`,
  );
}

/** Per UTC day (of ts_start) and model. Tokens count final attempts (what was billed). */
export async function queryUsage(store: LogStore, filter: UsageFilter): Promise<UsageRow[]> {
  const conditions = ['ts_start >= $1', 'ts_start < $2'];
  const values: (number | string)[] = [filter.fromMs, filter.toMs];
  if (filter.user !== undefined) {
    values.push(filter.user);
    conditions.push(`user_id = $${values.length}`);
  }
  if (filter.key !== undefined) {
    values.push(filter.key);
    conditions.push(`key_id = $${values.length}`);
  }
  return store.query<UsageRow>(
    `SELECT ${utcDay(store.dialect, 'ts_start')} AS day, model,
       count(*) FILTER (WHERE final)::DOUBLE AS requests,
       coalesce(sum(input_tokens) FILTER (WHERE final), 0)::DOUBLE AS input_tokens,
       coalesce(sum(output_tokens) FILTER (WHERE final), 0)::DOUBLE AS output_tokens,
       coalesce(sum(cached_input_tokens) FILTER (WHERE final), 0)::DOUBLE AS cached_input_tokens,
       coalesce(sum(cache_write_tokens) FILTER (WHERE final), 0)::DOUBLE AS cache_write_tokens,
       coalesce(sum(cache_write_1h_tokens) FILTER (WHERE final), 0)::DOUBLE AS cache_write_1h_tokens,
       sum(cost_usd) AS cost_usd,
       sum(price_usd) AS revenue_usd
     FROM ${logSource(store.dialect)} WHERE ${conditions.join(' AND ')}
     GROUP BY ALL ORDER BY day, model`,
    values,
  );
}

/** Every attempt of one request, first attempt first: what the gateway logged and charged. */
export async function queryRequest(store: LogStore, requestId: string): Promise<LogRecord[]> {
  // BIGINT columns come back as strings from DuckDB's JSON rows: cast the epoch-ms ones.
  const rows = await store.query<LogRecord>(
    `SELECT * REPLACE (ts_start::DOUBLE AS ts_start, ts_end::DOUBLE AS ts_end)
     FROM ${logSource(store.dialect)} WHERE request_id = $1 ORDER BY attempt`,
    [requestId],
  );
  // The issue-14 fields are "null or absent" (LogRecord): a record sent without them reads back without them.
  return rows.map((row) => {
    const record: LogRecord = { ...row };
    for (const key of OPTIONAL_FIELDS) if (record[key] === null) delete record[key];
    return record;
  });
}

const OPTIONAL_FIELDS = ['conversation', 'cache_state', 'hedge'] as const;

/** Refill empty rollups from the rows already in the window. */
export async function rebuildRollups(store: LogStore, rollups: WindowRollups, nowMs: number): Promise<void> {
  const cutoffMs = (Math.floor(nowMs / 1000) - rollups.windowS + 1) * 1000;
  const windowed = `FROM ${logSource(store.dialect)} WHERE ts_end >= ${cutoffMs}`;
  const second = `${integerDivide(store.dialect, 'ts_end', '1000')}::DOUBLE`;
  const counts = await store.query<SlotCounts & { channel_id: string; model: string; second: number }>(
    `SELECT channel_id, model, ${second} AS second,
       ${ERROR_CLASS_COUNTS_SQL},
       max(ts_end)::DOUBLE AS last_ts
     ${windowed} GROUP BY ALL`,
  );
  for (const row of counts) {
    rollups.addCounts(row.channel_id, row.model, row.second, row, nowMs);
  }

  const histograms = [
    { kind: 'ttft', value: 'ttft_ms', spec: TTFT_HISTOGRAM },
    { kind: 'tokens_per_s', value: GENERATION_TOKENS_PER_SECOND_SQL, spec: TOKENS_PER_S_HISTOGRAM },
  ] as const;
  for (const { kind, value, spec } of histograms) {
    const buckets = await store.query<{ channel_id: string; model: string; second: number; bucket: number; n: number }>(
      `SELECT channel_id, model, second, ${bucketSql('value', spec)} AS bucket, count(*)::DOUBLE AS n
       FROM (SELECT channel_id, model, ${second} AS second, ${value} AS value ${windowed}) values_in_window
       WHERE value IS NOT NULL GROUP BY ALL`,
    );
    for (const row of buckets) {
      rollups.addHistogram(kind, row.channel_id, row.model, row.second, row.bucket, row.n, nowMs);
    }
  }

  const ignored = ERROR_CLASSES.filter((errorClass) => !countsAsRecentAttempt(errorClass));
  const recent = await store.query<{ channel_id: string; model: string; ts_end: number; error_class: ErrorClass }>(
    `SELECT channel_id, model, ts_end::DOUBLE AS ts_end, error_class ${windowed}
       AND error_class NOT IN (${ignored.map((errorClass) => `'${errorClass}'`).join(', ') || "''"})
     QUALIFY row_number() OVER (PARTITION BY channel_id, model ORDER BY ts_end DESC, request_id DESC, attempt DESC) <= ${rollups.recentSize}`,
  );
  for (const row of recent) {
    rollups.addRecent(row.channel_id, row.model, row.ts_end, isChannelFailure(row.error_class), nowMs);
  }
  // Cache behaviour and concurrency (rollups-rebuild.ts): after a restart the lone node's
  // scores carry them again, equal to the store's (rollups-equivalence.test.ts).
  await rebuildRollupExtras(store, rollups, nowMs);
}
