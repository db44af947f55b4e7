// Rollups of the log for the console's range queries, kept exact and current at ingest.
//
// Four narrow tables (ROLLUP_TABLES), because one table with every dimension does not
// shrink: at 10M attempts a week, hour × key × model × … holds 6.9M rows (every key makes a
// few calls an hour), while hour × channel × model × status holds 0.5M, day × key × model
// 0.48M and hour × user 0.34M (measured, docs/perf-notes-console.md). Time is bucketed on
// ts_start (economics, the log, the user's usage). Money is summed as DECIMAL(38,12) (each attempt's amount rounded to 1e-12 USD),
// so a sum is the same whatever the order or grouping, and a rollup-backed answer equals
// the raw log's to the last digit. first_ts / last_ts (min / max ts_start) let a query take
// an edge bucket whole when nothing in it lies outside the range (and give keys' last use).
// A table may hold several partial rows per bucket and key: every query sums them.
//
// Maintenance (rollup-maintenance.ts): the writer thread writes the records it has just
// stored (the ingest has already dropped replays, so nothing is counted twice) to
// `rollup_pending` in the ingest transaction, folds pending rows into the rollups about once a
// second and merges the partial rows of the buckets it touched about once a minute.
import type { DuckDBAppender } from '@duckdb/node-api';
import type { LogRecord } from '../../worker/core/types';
import { TTFT_HISTOGRAM, bucketSql } from '../histogram';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Bumped when a rollup's definition changes: a file with another version is rebuilt at open. */
export const ROLLUP_VERSION = 5;

/** Exact money: an attempt's amount as picodollars (DECIMAL), summed without rounding drift. */
export const money = (column: string) => `${column}::DECIMAL(38,12)`;

/** One rollup: its bucket, its key columns (with their log expressions) and its sums. */
export interface RollupTable {
  name: string;
  bucket: 'hour' | 'day';
  keys: readonly [column: string, type: string, expression: string][];
  sums: readonly [column: string, type: string, expression: string][];
  /** Which log rows it counts (all when absent). */
  where?: string;
}

const FINAL = (expression: string) => `coalesce(sum(${expression}) FILTER (WHERE final), 0)`;

export const ROLLUP_TABLES: readonly RollupTable[] = [
  {
    // Economics by channel / model, and the log's totals and histogram unless filtered by user or key.
    name: 'rollup_hourly',
    bucket: 'hour',
    keys: [['channel_id', 'VARCHAR', 'channel_id'], ['model', 'VARCHAR', 'model'], ['status', 'INTEGER', 'status'], ['error_class', 'VARCHAR', 'error_class'], ['stream', 'BOOLEAN', 'stream'], ['final', 'BOOLEAN', 'final']],
    sums: [['attempts', 'BIGINT', 'count(*)'], ['input_tokens', 'BIGINT', 'sum(input_tokens)'], ['output_tokens', 'BIGINT', 'sum(output_tokens)'], ['cached_input_tokens', 'BIGINT', 'sum(cached_input_tokens)'], ['cost_usd', 'DECIMAL(38,12)', `sum(${money('cost_usd')})`], ['price_usd', 'DECIMAL(38,12)', `sum(${money('price_usd')})`]],
  },
  {
    // Economics by user / key, the log's totals filtered by user or key, the user's usage by model or key, keys' spend and last use.
    name: 'rollup_keys_daily',
    bucket: 'day',
    keys: [['user_id', 'VARCHAR', 'user_id'], ['key_id', 'VARCHAR', 'key_id'], ['model', 'VARCHAR', 'model']],
    sums: [
      ['attempts', 'BIGINT', 'count(*)'], ['final_attempts', 'BIGINT', 'count(*) FILTER (WHERE final)'], ['error_attempts', 'BIGINT', `count(*) FILTER (WHERE error_class <> 'none')`],
      ['input_tokens', 'BIGINT', 'sum(input_tokens)'], ['output_tokens', 'BIGINT', 'sum(output_tokens)'], ['cached_input_tokens', 'BIGINT', 'sum(cached_input_tokens)'],
      ['final_input_tokens', 'BIGINT', FINAL('input_tokens')], ['final_output_tokens', 'BIGINT', FINAL('output_tokens')], ['final_cached_input_tokens', 'BIGINT', FINAL('cached_input_tokens')],
      ['cost_usd', 'DECIMAL(38,12)', `sum(${money('cost_usd')})`], ['price_usd', 'DECIMAL(38,12)', `sum(${money('price_usd')})`],
    ],
  },
  {
    // The user's spend by day in their time zone (hours: local midnights fall on whole hours in most zones) and burn rate.
    name: 'rollup_users_hourly',
    bucket: 'hour',
    keys: [['user_id', 'VARCHAR', 'user_id']],
    sums: [
      ['final_attempts', 'BIGINT', 'count(*) FILTER (WHERE final)'], ['final_input_tokens', 'BIGINT', FINAL('input_tokens')],
      ['final_output_tokens', 'BIGINT', FINAL('output_tokens')], ['final_cached_input_tokens', 'BIGINT', FINAL('cached_input_tokens')],
      ['price_usd', 'DECIMAL(38,12)', `sum(${money('price_usd')})`],
    ],
  },
  {
    // The user's TTFT quantiles: final attempts per TTFT histogram bucket (±2 %, histogram.ts).
    name: 'rollup_ttft_daily',
    bucket: 'day',
    keys: [['user_id', 'VARCHAR', 'user_id'], ['ttft_bucket', 'INTEGER', bucketSql('ttft_ms', TTFT_HISTOGRAM)]],
    sums: [['finals', 'BIGINT', 'count(*)']],
    where: 'final AND ttft_ms IS NOT NULL',
  },
];

export const WIDTH = { hour: HOUR_MS, day: DAY_MS } as const;

export function createTable(table: RollupTable): string {
  const columns = [`${table.bucket} BIGINT NOT NULL`, ...table.keys.map(([name, type]) => `${name} ${type} NOT NULL`), ...table.sums.map(([name, type]) => `${name} ${type} NOT NULL`), 'first_ts BIGINT NOT NULL', 'last_ts BIGINT NOT NULL'];
  return `CREATE TABLE IF NOT EXISTS ${table.name} (${columns.join(', ')})`;
}

/** The per-bucket aggregates of `source` (the log, or rollup_pending). */
export function aggregate(table: RollupTable, source: string): string {
  const keys = table.keys.map(([name, , expression]) => `${expression} AS ${name}`);
  const sums = table.sums.map(([name, , expression]) => `${expression} AS ${name}`);
  return `SELECT (ts_start // ${WIDTH[table.bucket]}) * ${WIDTH[table.bucket]} AS ${table.bucket}, ${keys.join(', ')}, ${sums.join(', ')},
      min(ts_start) AS first_ts, max(ts_start) AS last_ts
    FROM ${source} ${table.where ? `WHERE ${table.where}` : ''} GROUP BY ALL`;
}

/**
 * Stored records not yet folded into the rollups (the log's columns the rollups read), written in the
 * ingest transaction with their log rows. Queries read it with the rollups, so an answer is
 * whole between folds; folding every 10 s, not per batch, keeps ingest fast: a fold's four
 * aggregate statements cost ~30 ms whatever the batch size (measured, 1,000-record batches).
 */
export const CREATE_ROLLUP_PENDING = `CREATE TABLE IF NOT EXISTS rollup_pending (
  ts_start BIGINT NOT NULL, user_id VARCHAR NOT NULL, key_id VARCHAR NOT NULL, model VARCHAR NOT NULL,
  channel_id VARCHAR NOT NULL, status INTEGER NOT NULL, error_class VARCHAR NOT NULL, stream BOOLEAN NOT NULL,
  final BOOLEAN NOT NULL, ttft_ms DOUBLE, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL, cost_usd DOUBLE NOT NULL, price_usd DOUBLE NOT NULL
)`;

/** Appends one record to rollup_pending (only the columns the rollups read: half the log's). */
export function appendPendingRecord(appender: DuckDBAppender, record: LogRecord): void {
  appender.appendBigInt(BigInt(record.ts_start));
  appender.appendVarchar(record.user_id);
  appender.appendVarchar(record.key_id);
  appender.appendVarchar(record.model);
  appender.appendVarchar(record.channel_id);
  appender.appendInteger(record.status);
  appender.appendVarchar(record.error_class);
  appender.appendBoolean(record.stream);
  appender.appendBoolean(record.final);
  if (record.ttft_ms === null) appender.appendNull();
  else appender.appendDouble(record.ttft_ms);
  appender.appendInteger(record.input_tokens);
  appender.appendInteger(record.output_tokens);
  appender.appendInteger(record.cached_input_tokens);
  appender.appendDouble(record.cost_usd);
  appender.appendDouble(record.price_usd);
  appender.endRow();
}

/** Runs statements and reads one number; both connections kinds (writer thread, test store) fit. */
export interface RollupConnection {
  run(sql: string): Promise<unknown>;
  count(sql: string): Promise<number>;
}

/**
 * Creates the rollups, and builds them from the log when they are new or of another version
 * (a file from before this release, or a changed definition). Runs on the writer connection
 * before any ingest, so nothing is stored while the build reads the log.
 */
export async function ensureRollups(connection: RollupConnection): Promise<void> {
  await connection.run('CREATE TABLE IF NOT EXISTS rollup_state (version INTEGER NOT NULL)');
  await connection.run(CREATE_ROLLUP_PENDING);
  const current = await connection.count(`SELECT coalesce(max(version), 0) FROM rollup_state`);
  if (current === ROLLUP_VERSION) {
    for (const table of ROLLUP_TABLES) await connection.run(createTable(table));
    return;
  }
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run('DROP TABLE IF EXISTS rollup_pending');
    await connection.run(CREATE_ROLLUP_PENDING);
    for (const table of ROLLUP_TABLES) {
      // Another version's table may have other columns: made again from the log.
      await connection.run(`DROP TABLE IF EXISTS ${table.name}`);
      await connection.run(createTable(table));
      // In time order, as ingest appends them: zonemaps on the bucket then prune a range.
      await connection.run(`INSERT INTO ${table.name} ${aggregate(table, 'log')} ORDER BY ${table.bucket}`);
    }
    await connection.run('DELETE FROM rollup_state');
    await connection.run(`INSERT INTO rollup_state VALUES (${ROLLUP_VERSION})`);
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

