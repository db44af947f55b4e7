// One row source for a time range over the log: the rollup's whole buckets inside the range
// plus the raw log's rows in the partial buckets at its edges, with the same columns, so a
// query sums them in one SQL statement (exact: money is DECIMAL on both sides). A range edge
// bucket is taken whole when its rows' first_ts / last_ts show nothing outside the range.
// Records stored but not yet folded (rollup_pending) are read raw inside the whole buckets.
// On ClickHouse there are no rollup tables: every range is read from the (deduplicated) log.
import type { DuckDBValue } from '@duckdb/node-api';
import type { LogStore } from '../log-store';
import { filterSql, type LogFilter } from './log-filters';
import { TTFT_HISTOGRAM, bucketSql } from '../histogram';
import { DAY_MS, HOUR_MS } from './rollup-tables';
import { consoleSql, sqlHelpers, type ConsoleSql } from './console-sql';

export type RollupKind = 'hourly' | 'keys' | 'users' | 'ttft';

interface RollupSpec {
  table: string;
  bucket: string;
  width: number;
  /** Filter fields the table has as columns (besides the range). */
  dimensions: readonly (keyof LogFilter)[];
  /** Columns every source row carries: [rollup expression, raw-log expression, name]. */
  columns: readonly [string, string, string][];
  /** Which log rows the rollup counts (all when absent). */
  rawWhere?: string;
  /** The additive columns (negated to subtract rows). */
  sums: readonly string[];
  /**
   * Whether an edge may be read as the whole bucket minus the rows outside the range: only
   * when every column a query reads is a sum or a key (not `last_ts`, a maximum) and the
   * bucket is the query's finest time unit.
   */
  subtractable: boolean;
}

const same = (...names: string[]): [string, string, string][] => names.map((name) => [name, name, name]);
const finalOnly = (name: string, column: string): [string, string, string] => [name, `CASE WHEN final THEN ${column} ELSE 0 END`, name];
/** The specs with a dialect's exact money expression on the raw side. */
function specsOf(money: ConsoleSql['money']): Record<RollupKind, RollupSpec> {
  const moneyColumns: [string, string, string][] = [['cost_usd', money('cost_usd'), 'cost_usd'], ['price_usd', money('price_usd'), 'price_usd']];
  return {
    hourly: {
      table: 'rollup_hourly',
      bucket: 'hour',
      width: HOUR_MS,
      dimensions: ['channel', 'model', 'status', 'error_class', 'stream', 'final'],
      columns: [
        ...same('channel_id', 'model', 'error_class', 'final'), ['attempts', '1::BIGINT', 'attempts'],
        ...same('input_tokens', 'output_tokens', 'cached_input_tokens'), ...moneyColumns,
      ],
      sums: ['attempts', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'cost_usd', 'price_usd'],
      subtractable: true,
    },
    keys: {
      table: 'rollup_keys_daily',
      bucket: 'day',
      width: DAY_MS,
      dimensions: ['user', 'key', 'model'],
      columns: [
        ...same('user_id', 'key_id', 'model'), ['attempts', '1::BIGINT', 'attempts'], ['final_attempts', 'final::BIGINT', 'final_attempts'],
        ['error_attempts', `(error_class <> 'none')::BIGINT`, 'error_attempts'], ...same('input_tokens', 'output_tokens', 'cached_input_tokens'),
        finalOnly('final_input_tokens', 'input_tokens'), finalOnly('final_output_tokens', 'output_tokens'), finalOnly('final_cached_input_tokens', 'cached_input_tokens'),
        ...moneyColumns,
      ],
      sums: ['attempts', 'final_attempts', 'error_attempts', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'final_input_tokens', 'final_output_tokens', 'final_cached_input_tokens', 'cost_usd', 'price_usd'],
      subtractable: true,
    },
    users: {
      table: 'rollup_users_hourly',
      bucket: 'hour',
      width: HOUR_MS,
      dimensions: ['user'],
      columns: [
        ['final_attempts', 'final::BIGINT', 'final_attempts'], finalOnly('final_input_tokens', 'input_tokens'),
        finalOnly('final_output_tokens', 'output_tokens'), finalOnly('final_cached_input_tokens', 'cached_input_tokens'),
        ['price_usd', money('price_usd'), 'price_usd'],
      ],
      sums: ['final_attempts', 'final_input_tokens', 'final_output_tokens', 'final_cached_input_tokens', 'price_usd'],
      subtractable: true,
    },
    ttft: {
      table: 'rollup_ttft_daily',
      bucket: 'day',
      width: DAY_MS,
      dimensions: ['user'],
      columns: [['ttft_bucket', bucketSql('ttft_ms', TTFT_HISTOGRAM), 'ttft_bucket'], ['finals', '1::BIGINT', 'finals']],
      rawWhere: 'final AND ttft_ms IS NOT NULL',
      sums: ['finals'],
      subtractable: true,
    },
  };
}

const SPECS = specsOf(sqlHelpers('duckdb').money);
const CLICKHOUSE_SPECS = specsOf(sqlHelpers('clickhouse').money);
const specFor = (db: ConsoleSql, kind: RollupKind) => (db.dialect === 'clickhouse' ? CLICKHOUSE_SPECS : SPECS)[kind];

/** Whether a rollup can answer this filter (every filtered field is one of its columns). */
export function rollupFits(kind: RollupKind, filter: LogFilter): boolean {
  const dimensions = SPECS[kind].dimensions;
  return (Object.keys(filter) as (keyof LogFilter)[]).every((field) => field === 'from' || field === 'to' || filter[field] === undefined || dimensions.includes(field));
}

export interface RangeSource {
  /** A subquery (parenthesised) with the kind's columns plus `ts` (bucket start or ts_start). */
  sql: string;
  values: DuckDBValue[];
}

/** Whole buckets [wholeFrom, wholeTo) from the rollup; the rest of [from, to) from the log. */
export interface RangeSplit {
  wholeFrom: number | null;
  wholeTo: number | null;
  edges: [number, number][];
}

/** Pure: the bucket-aligned middle of a range and its partial edges (before the first_ts check). */
export function splitRange(from: number | undefined, to: number | undefined, width: number): RangeSplit {
  const first = from === undefined ? null : Math.ceil(from / width) * width;
  const last = to === undefined ? null : Math.floor(to / width) * width;
  if (first !== null && last !== null && first >= last) return { wholeFrom: 0, wholeTo: 0, edges: [[from!, to!]] };
  const edges: [number, number][] = [];
  if (from !== undefined && first! > from) edges.push([from, first!]);
  if (to !== undefined && to > last!) edges.push([last!, to]);
  return { wholeFrom: first, wholeTo: last, edges };
}

/**
 * The range's rows from `kind`'s rollup and the log. Partial edge buckets whose rollup rows
 * all lie inside the range (min first_ts ≥ from, max last_ts < to) are taken whole instead.
 */
export async function rangeSource(store: LogStore, kind: RollupKind, filter: LogFilter): Promise<RangeSource> {
  const db = consoleSql(store);
  const spec = specFor(db, kind);
  if (!db.rollups) return rawOnly(spec, filter, db.log);
  const from = filter.from === undefined ? undefined : Math.trunc(filter.from);
  const to = filter.to === undefined ? undefined : Math.trunc(filter.to);
  const split = splitRange(from, to, spec.width);
  if (from !== undefined && to !== undefined && split.wholeFrom === 0 && split.wholeTo === 0) return rawOnly(spec, filter, db.log);
  let wholeFrom = split.wholeFrom;
  let wholeTo = split.wholeTo;
  const edges: [number, number][] = [];
  const subtracted: [number, number][] = [];
  for (const [start, end] of split.edges) {
    const bucket = Math.floor(start / spec.width) * spec.width;
    const [inside] = await db.query<{ inside: boolean | null }>(
      `SELECT (min(first_ts) >= $3 AND max(last_ts) < $4) AS inside FROM (
         SELECT first_ts, last_ts FROM ${spec.table} WHERE ${spec.bucket} = $1
         UNION ALL SELECT ts_start, ts_start FROM rollup_pending WHERE ts_start >= $1 AND ts_start < $2)`,
      [bucket, bucket + spec.width, from ?? bucket, to ?? bucket + spec.width],
    );
    // An empty bucket has nothing to read; a bucket wholly inside is read from the rollup.
    const leading = start === from;
    if (inside?.inside === null || inside?.inside === true) {
      if (leading) wholeFrom = bucket;
      else wholeTo = bucket + spec.width;
      continue;
    }
    // Else read the smaller side raw: the part inside the range, or the whole bucket minus
    // the part outside it (those rows subtracted: exact, the sums are DECIMAL).
    const outside: [number, number] = leading ? [bucket, start] : [end, bucket + spec.width];
    if (spec.subtractable && outside[1] - outside[0] < end - start) {
      if (leading) wholeFrom = bucket;
      else wholeTo = bucket + spec.width;
      subtracted.push(outside);
    } else edges.push([start, end]);
  }
  const { from: _from, to: _to, ...dimensions } = filter;
  const values: DuckDBValue[] = [];
  const rollupWhere = [filterSql(dimensions, values).where];
  if (wholeFrom !== null) rollupWhere.push(`${spec.bucket} >= ${bind(values, wholeFrom)}`);
  if (wholeTo !== null) rollupWhere.push(`${spec.bucket} < ${bind(values, wholeTo)}`);
  const parts = [`SELECT ${spec.bucket} AS ts, ${spec.columns.map(([rollup, , name]) => `${rollup} AS ${name}`).join(', ')} FROM ${spec.table} WHERE ${rollupWhere.join(' AND ')}`];
  // Stored records not folded yet (rollup_pending has every log column the rollups read), in the whole buckets.
  parts.push(rawSelect(spec, { ...dimensions, from: wholeFrom ?? undefined, to: wholeTo ?? undefined }, values, 'rollup_pending'));
  for (const [start, end] of edges) parts.push(rawSelect(spec, { ...dimensions, from: start, to: end }, values));
  for (const [start, end] of subtracted) parts.push(rawSelect(spec, { ...dimensions, from: start, to: end }, values, 'log', true));
  return { sql: `(${parts.join(' UNION ALL ')})`, values };
}

/** The same columns straight from the log (filters the rollups cannot answer). */
export function rawSource(store: LogStore, kind: RollupKind, filter: LogFilter): RangeSource {
  const db = consoleSql(store);
  return rawOnly(specFor(db, kind), filter, db.log);
}

function rawOnly(spec: RollupSpec, filter: LogFilter, log: string): RangeSource {
  const values: DuckDBValue[] = [];
  return { sql: `(${rawSelect(spec, filter, values, log)})`, values };
}

/** The log's rows as source rows; `negated`: with every sum negated (rows to subtract). */
function rawSelect(spec: RollupSpec, filter: LogFilter, values: DuckDBValue[], table = 'log', negated = false): string {
  const where = spec.rawWhere ? `${filterSql(filter, values).where} AND ${spec.rawWhere}` : filterSql(filter, values).where;
  const column = ([, raw, name]: [string, string, string]) => (negated && spec.sums.includes(name) ? `-(${raw}) AS ${name}` : `${raw} AS ${name}`);
  return `SELECT ts_start AS ts, ${spec.columns.map(column).join(', ')} FROM ${table} WHERE ${where}`;
}

function bind(values: DuckDBValue[], value: DuckDBValue): string {
  values.push(value);
  return `$${values.length}`;
}
