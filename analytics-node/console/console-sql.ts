// The console's SQL on either store: DuckDB (the embedded default) or ClickHouse (chdb or a
// server). Statements are written once in the SQL both engines accept (casts with `::`,
// `FILTER (WHERE …)`, `GROUP BY ALL`, `$n` placeholders, which the ClickHouse store rewrites)
// and every construct they spell differently goes through one helper here, so a query
// never carries an `if` of its own.
import type { DuckDBValue } from '@duckdb/node-api';
import type { LogStore } from '../log-store';

export type SqlDialect = 'duckdb' | 'clickhouse';

/** The dialect, for test stores that predate LogStore.dialect (console/test-store.ts). */
interface DialectStore {
  dialect?: SqlDialect;
}

/**
 * ClickHouse settings that give its answers the SQL semantics the queries assume: an aggregate
 * over no rows is NULL (not 0: `min(ts_start)` of an empty table), a cast keeps NULL, and
 * 64-bit integers come back as JSON numbers (like DuckDB's JSON rows), not strings, and a
 * column wins over an alias of the same name (`sum(attempts) AS attempts`, `ts_start::DOUBLE AS ts_start`).
 */
const CLICKHOUSE_SETTINGS =
  'SETTINGS aggregate_functions_null_for_empty = 1, cast_keep_nullable = 1, output_format_json_quote_64bit_integers = 0, prefer_column_name_to_alias = 1';

export interface ConsoleSql {
  dialect: SqlDialect;
  /** A read on the store, with the dialect's settings. */
  query<Row = Record<string, unknown>>(sql: string, values?: DuckDBValue[]): Promise<Row[]>;
  /** The log as a table expression: on ClickHouse deduplicated (FINAL), so every sum is exact. */
  log: string;
  /** Whether the console's rollup tables exist (DuckDB); ClickHouse answers from the log. */
  rollups: boolean;
  /** An amount in USD as DECIMAL(38,12), rounded to the nearest 10⁻¹² USD: sums are then exact. */
  money(column: string): string;
  /** Integer division of non-negative integers. */
  intDiv(dividend: string, divisor: string): string;
  /** An approximate quantile (0 < p < 1). */
  quantile(expression: string, p: number): string;
  /** `value` of the row with the greatest `by`. */
  argMax(value: string, by: string): string;
  /** The local date (YYYY-MM-DD) of an epoch-ms expression in the zone `tz` (a bound parameter). */
  localDay(epochMs: string, tz: string): string;
  /** The first element of a JSON array of strings, as text. */
  jsonFirst(column: string): string;
  /** An INSERT that replaces the row with the same primary key (ClickHouse: a newer version row). */
  upsertInto(table: string): string;
  /** Newest-inserted first, for append-only tables (`rowid`, or ClickHouse's block number and offset). */
  insertionOrderDesc: string;
}

const DUCKDB: Omit<ConsoleSql, 'query'> = {
  dialect: 'duckdb',
  log: 'log',
  rollups: true,
  money: (column) => `${column}::DECIMAL(38,12)`,
  intDiv: (dividend, divisor) => `((${dividend}) // (${divisor}))`,
  quantile: (expression, p) => `approx_quantile(${expression}, ${p})`,
  argMax: (value, by) => `arg_max(${value}, ${by})`,
  localDay: (epochMs, tz) => `strftime(timezone(${tz}, to_timestamp((${epochMs}) / 1000)), '%Y-%m-%d')`,
  jsonFirst: (column) => `json_extract_string(${column}, '$[0]')`,
  upsertInto: (table) => `INSERT OR REPLACE INTO ${table}`,
  insertionOrderDesc: 'rowid DESC',
};

const CLICKHOUSE: Omit<ConsoleSql, 'query'> = {
  dialect: 'clickhouse',
  log: 'log FINAL',
  rollups: false,
  // A cast from Float64 to Decimal truncates (0.1 + 0.2 → 0.299…9): round to whole picodollars
  // first (exact in a double below 2^53 pUSD, i.e. $9,007), then scale by an exact 10⁻¹².
  money: (column) => `(CAST(round(${column} * 1e12) AS Decimal(38, 0)) * toDecimal128('0.000000000001', 12))`,
  intDiv: (dividend, divisor) => `intDiv(${dividend}, ${divisor})`,
  quantile: (expression, p) => `quantile(${p})(${expression})`,
  argMax: (value, by) => `argMax(${value}, ${by})`,
  localDay: (epochMs, tz) => `formatDateTime(toTimeZone(fromUnixTimestamp64Milli(toInt64(${epochMs})), ${tz}), '%Y-%m-%d')`,
  jsonFirst: (column) => `JSONExtractString(${column}, 1)`,
  upsertInto: (table) => `INSERT INTO ${table}`,
  insertionOrderDesc: '_block_number DESC, _block_offset DESC',
};

/** The dialect's helpers without a store (for SQL built ahead of a query). */
export function sqlHelpers(dialect: SqlDialect): Omit<ConsoleSql, 'query'> {
  return dialect === 'clickhouse' ? CLICKHOUSE : DUCKDB;
}

export function dialectOf(store: LogStore): SqlDialect {
  return (store as DialectStore).dialect ?? 'duckdb';
}

/** A console read with the dialect's settings (what `ConsoleSql.query` sends), for a statement run otherwise (exports). */
export function withConsoleSettings(store: LogStore, sql: string): string {
  return dialectOf(store) === 'clickhouse' ? `${sql}\n${CLICKHOUSE_SETTINGS}` : sql;
}

const cache = new WeakMap<LogStore, ConsoleSql>();

/** The helpers for a store's dialect (one object per store). */
export function consoleSql(store: LogStore): ConsoleSql {
  let found = cache.get(store);
  if (found !== undefined) return found;
  const clickhouse = dialectOf(store) === 'clickhouse';
  found = {
    ...(clickhouse ? CLICKHOUSE : DUCKDB),
    query: clickhouse
      ? (sql, values) => store.query(withConsoleSettings(store, sql), values)
      : (sql, values) => store.query(sql, values),
  };
  cache.set(store, found);
  return found;
}
