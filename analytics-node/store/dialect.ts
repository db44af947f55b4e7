// SQL that differs between the stores, rendered per dialect. Everything else is written once:
// ClickHouse 26 also reads DuckDB's `count(*) FILTER (WHERE …)`, `::DOUBLE` casts,
// `GROUP BY ALL`, `SELECT * REPLACE (…)`, `QUALIFY`, `greatest` / `least` / `coalesce`, and
// the store rewrites `$n` placeholders (placeholders.ts). The console's queries import
// these helpers; the exports are stable — add, do not change (docs/analytics-store.md).
import type { StoreDialect } from './log-store';

export type { StoreDialect };

/**
 * The log as a FROM source whose rows are exact: ClickHouse's ReplacingMergeTree may hold a
 * record twice until a merge (two nodes storing the same retried batch), FINAL collapses it.
 */
export function logSource(dialect: StoreDialect): string {
  return dialect === 'clickhouse' ? 'log FINAL' : 'log';
}

/** The decisions table as an exact FROM source (one row per request). */
export function decisionsSource(dialect: StoreDialect): string {
  return dialect === 'clickhouse' ? 'decisions FINAL' : 'decisions';
}

/** An approximate q-quantile (t-digest in both engines; not equal between them to the digit). */
export function approximateQuantile(dialect: StoreDialect, expression: string, q: number): string {
  return dialect === 'clickhouse' ? `quantileTDigest(${q})(${expression})` : `approx_quantile(${expression}, ${q})`;
}

/** Integer division, rounded down for non-negative operands. */
export function integerDivide(dialect: StoreDialect, dividend: string, divisor: string): string {
  return dialect === 'clickhouse' ? `intDiv(${dividend}, ${divisor})` : `(${dividend} // ${divisor})`;
}

/** The start (epoch ms) of the `bucketMs`-long bucket an epoch-ms value falls in. */
export function timeBucketMs(dialect: StoreDialect, epochMs: string, bucketMs: number): string {
  return `${integerDivide(dialect, epochMs, String(Math.trunc(bucketMs)))} * ${Math.trunc(bucketMs)}`;
}

/** 'YYYY-MM-DD' of an epoch-ms value in UTC. */
export function utcDay(dialect: StoreDialect, epochMs: string): string {
  return dialect === 'clickhouse'
    ? `formatDateTime(fromUnixTimestamp64Milli(toInt64(${epochMs}), 'UTC'), '%Y-%m-%d')`
    : `strftime(epoch_ms(${epochMs}), '%Y-%m-%d')`;
}

/**
 * 'YYYY-MM-DD' of an epoch-ms value in a time zone. `timeZoneSql` is a SQL string literal or
 * a `$n` placeholder (ClickHouse wants a constant: a literal or a bound parameter).
 */
export function localDay(dialect: StoreDialect, epochMs: string, timeZoneSql: string): string {
  return dialect === 'clickhouse'
    ? `formatDateTime(fromUnixTimestamp64Milli(toInt64(${epochMs}), ${timeZoneSql}), '%Y-%m-%d')`
    : `strftime(timezone(${timeZoneSql}, to_timestamp((${epochMs}) / 1000)), '%Y-%m-%d')`;
}

/** Any one value of the group. */
export function anyValue(dialect: StoreDialect, expression: string): string {
  return dialect === 'clickhouse' ? `any(${expression})` : `any_value(${expression})`;
}

/** The value of `expression` on the row where `by` is largest. */
export function argMax(dialect: StoreDialect, expression: string, by: string): string {
  return dialect === 'clickhouse' ? `argMax(${expression}, ${by})` : `arg_max(${expression}, ${by})`;
}

/** The group's values as a list (a JSON array in the rows), sorted by `orderBy` (default: the values). */
export function listOf(dialect: StoreDialect, expression: string, orderBy?: string): string {
  if (dialect === 'duckdb') return `list(${expression} ORDER BY ${orderBy ?? expression})`;
  if (orderBy === undefined) return `arraySort(groupArray(${expression}))`;
  return `arrayMap(pair -> pair.2, arraySort(pair -> pair.1, groupArray((${orderBy}, ${expression}))))`;
}

/**
 * An amount in USD (a DOUBLE column) as exact money: DECIMAL(38,12), rounded half up to
 * 1e-12 USD, so sums do not depend on order. ClickHouse's Float → Decimal cast truncates,
 * hence the explicit rounding there.
 */
export function money(dialect: StoreDialect, expression: string): string {
  return dialect === 'clickhouse'
    ? `(toDecimal128(floor(${expression} * 1e12 + 0.5), 0) * toDecimal128('0.000000000001', 12))`
    : `${expression}::DECIMAL(38,12)`;
}

/** An attempt's charge in nano-USD, rounded half up (as the worker's account object rounds it). */
export function nanoUsd(dialect: StoreDialect, expression: string): string {
  return dialect === 'clickhouse' ? `toInt64(floor(${expression} * 1e9 + 0.5))` : `round(${expression} * 1e9)::BIGINT`;
}

/** Whether a table exists, as a query returning one row with `n` (0 or 1); the name is `$1`. */
export function tableExistsSql(dialect: StoreDialect): string {
  return dialect === 'clickhouse'
    ? 'SELECT count()::DOUBLE AS n FROM system.tables WHERE database = currentDatabase() AND name = $1'
    : 'SELECT count(*)::DOUBLE AS n FROM information_schema.tables WHERE table_name = $1';
}
