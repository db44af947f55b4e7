// The analytics node's own console tables, in the same store as the log (schema and the
// ClickHouse engines in docs/console-api.md). Written through the log store's single writer queue, so a console
// write never races an ingest batch.
import type { DuckDBValue } from '@duckdb/node-api';
import type { LogStore } from '../log-store';
import { tableExistsSql } from '../store/dialect';
import { consoleSql, dialectOf, type SqlDialect } from './console-sql';

export type SqlWriter = (sql: string, values?: DuckDBValue[]) => Promise<void>;

/**
 * `LogStore.write(sql, values)` (the writer connection's queue). Until every store has it,
 * a store without it is written through its reader connection: same file, same process,
 * only not serialised with ingest.
 */
export function writerOf(store: LogStore): SqlWriter {
  const write = (store as { write?: (sql: string, values?: DuckDBValue[]) => Promise<unknown> }).write;
  if (typeof write === 'function') return async (sql, values) => void (await write.call(store, sql, values ?? []));
  return async (sql, values) => void (await store.query(sql, values));
}

type ColumnType = 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'INTEGER' | 'BOOLEAN';
/** [name, type, nullable]; the first column is the key of keyed tables. */
type Column = readonly [name: string, type: ColumnType, nullable?: 'null'];

/**
 * How a table behaves: `keyed` rows are looked up and changed by their key (DuckDB: a primary
 * key; ClickHouse: a MergeTree ordered by it, with the block columns lightweight UPDATE and
 * DELETE need), `versioned` rows are replaced whole by a newer version (ClickHouse: a
 * ReplacingMergeTree on `version`, read with argMax), `append` rows are only ever added.
 */
interface ConsoleTable {
  name: string;
  kind: 'keyed' | 'versioned' | 'append';
  columns: readonly Column[];
  /** ClickHouse sort key of an append-only table. */
  order?: string;
  version?: string;
}

export const CONSOLE_TABLES: readonly ConsoleTable[] = [
  // password_hash: scrypt$N$r$p$salt$key
  { name: 'console_credentials', kind: 'versioned', version: 'updated_at', columns: [['user_id', 'VARCHAR'], ['password_hash', 'VARCHAR'], ['updated_at', 'BIGINT']] },
  // token_hash: SHA-256 of the token, hex; created_by: admin id
  {
    name: 'console_invites', kind: 'keyed',
    columns: [['token_hash', 'VARCHAR'], ['user_id', 'VARCHAR'], ['created_by', 'VARCHAR'], ['created_at', 'BIGINT'], ['expires_at', 'BIGINT'], ['used_at', 'BIGINT', 'null']],
  },
  // id_hash: SHA-256 of the cookie's session id, hex; kind admin / user; subject: admin id or user id
  {
    name: 'console_sessions', kind: 'keyed',
    columns: [['id_hash', 'VARCHAR'], ['kind', 'VARCHAR'], ['subject', 'VARCHAR'], ['admin_name', 'VARCHAR', 'null'], ['admin_scope', 'VARCHAR', 'null'], ['created_at', 'BIGINT'], ['expires_at', 'BIGINT']],
  },
  {
    name: 'score_history', kind: 'append', order: '(channel_id, computed_at)',
    columns: [
      ['version', 'BIGINT'], ['computed_at', 'BIGINT'], ['channel_id', 'VARCHAR'], ['model', 'VARCHAR'], ['success_p', 'DOUBLE'],
      ['ttft_p50_ms', 'DOUBLE', 'null'], ['ttft_p95_ms', 'DOUBLE', 'null'], ['tokens_per_s', 'DOUBLE', 'null'], ['error_rate_limit', 'DOUBLE'],
      ['error_server', 'DOUBLE'], ['error_timeout', 'DOUBLE'], ['error_connection', 'DOUBLE'], ['samples', 'INTEGER'], ['last_ts', 'BIGINT'],
      ['down', 'BOOLEAN'], ['traffic_share', 'DOUBLE'],
    ],
  },
  // kind: down / recovered / breaker_open / score_drop; "at" quoted: a DuckDB keyword
  { name: 'incidents', kind: 'append', order: '"at"', columns: [['"at"', 'BIGINT'], ['channel_id', 'VARCHAR'], ['kind', 'VARCHAR'], ['detail', 'VARCHAR']] },
];

const CLICKHOUSE_TYPES: Record<ColumnType, string> = { VARCHAR: 'String', BIGINT: 'Int64', DOUBLE: 'Float64', INTEGER: 'Int32', BOOLEAN: 'Bool' };

/** The CREATE statement of a console table in a dialect. */
export function createStatement(table: ConsoleTable, dialect: SqlDialect): string {
  if (dialect === 'duckdb') {
    const columns = table.columns.map(([name, type, nullable], index) =>
      `${name} ${type}${index === 0 && table.kind !== 'append' ? ' PRIMARY KEY' : nullable ? '' : ' NOT NULL'}`);
    return `CREATE TABLE IF NOT EXISTS ${table.name} (${columns.join(', ')})`;
  }
  const columns = table.columns.map(([name, type, nullable]) => `${name} ${nullable ? `Nullable(${CLICKHOUSE_TYPES[type]})` : CLICKHOUSE_TYPES[type]}`);
  const key = table.columns[0]![0];
  // Block number and offset: lightweight UPDATE needs them, and they order an append-only table's rows by insertion.
  const blocks = 'SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1';
  const engine = table.kind === 'versioned'
    ? `ReplacingMergeTree(${table.version}) ORDER BY ${key}`
    : table.kind === 'keyed' ? `MergeTree ORDER BY ${key} ${blocks}` : `MergeTree ORDER BY ${table.order} ${blocks}`;
  return `CREATE TABLE IF NOT EXISTS ${table.name} (${columns.join(', ')}) ENGINE = ${engine}`;
}

export async function createConsoleTables(write: SqlWriter, dialect: SqlDialect = 'duckdb'): Promise<void> {
  for (const table of CONSOLE_TABLES) await write(createStatement(table, dialect));
}

/** Whether a table exists (the `decisions` table is another module's and may be absent). */
export async function tableExists(store: LogStore, name: string): Promise<boolean> {
  // ClickHouse: in this store's database only (information_schema lists every database's tables).
  const rows = await consoleSql(store).query<{ n: number }>(tableExistsSql(dialectOf(store)), [name]);
  return (rows[0]?.n ?? 0) > 0;
}
