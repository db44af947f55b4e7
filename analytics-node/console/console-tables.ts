// The analytics node's own console tables, in the same DuckDB file as the log (schema in
// docs/console-api.md). Written through the log store's single writer queue, so a console
// write never races an ingest batch.
import type { DuckDBValue } from '@duckdb/node-api';
import type { LogStore } from '../log-store';

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

export const CONSOLE_TABLES = [
  `CREATE TABLE IF NOT EXISTS console_credentials (
    user_id       VARCHAR PRIMARY KEY,
    password_hash VARCHAR NOT NULL,  -- scrypt$N$r$p$salt$key
    updated_at    BIGINT  NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS console_invites (
    token_hash VARCHAR PRIMARY KEY,  -- SHA-256 of the token, hex
    user_id    VARCHAR NOT NULL,
    created_by VARCHAR NOT NULL,     -- admin id
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT
  )`,
  `CREATE TABLE IF NOT EXISTS console_sessions (
    id_hash     VARCHAR PRIMARY KEY, -- SHA-256 of the cookie's session id, hex
    kind        VARCHAR NOT NULL,    -- admin / user
    subject     VARCHAR NOT NULL,    -- admin id or user id
    admin_name  VARCHAR,
    admin_scope VARCHAR,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS score_history (
    version           BIGINT  NOT NULL,
    computed_at       BIGINT  NOT NULL,
    channel_id        VARCHAR NOT NULL,
    model             VARCHAR NOT NULL,
    success_p         DOUBLE  NOT NULL,
    ttft_p50_ms       DOUBLE,
    ttft_p95_ms       DOUBLE,
    tokens_per_s      DOUBLE,
    error_rate_limit  DOUBLE  NOT NULL,
    error_server      DOUBLE  NOT NULL,
    error_timeout     DOUBLE  NOT NULL,
    error_connection  DOUBLE  NOT NULL,
    samples           INTEGER NOT NULL,
    last_ts           BIGINT  NOT NULL,
    down              BOOLEAN NOT NULL,
    traffic_share     DOUBLE  NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS incidents (
    "at"       BIGINT  NOT NULL,
    channel_id VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,     -- down / recovered / breaker_open / score_drop
    detail     VARCHAR NOT NULL
  )`,
];

export async function createConsoleTables(write: SqlWriter): Promise<void> {
  for (const statement of CONSOLE_TABLES) await write(statement);
}

/** Whether a table exists (the `decisions` table is another module's and may be absent). */
export async function tableExists(store: LogStore, name: string): Promise<boolean> {
  const rows = await store.query<{ n: number }>(
    `SELECT count(*)::DOUBLE AS n FROM information_schema.tables WHERE table_name = $1`,
    [name],
  );
  return (rows[0]?.n ?? 0) > 0;
}
