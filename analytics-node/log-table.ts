// The `log` table: one row per upstream attempt, columns = LogRecord fields (README.md).
import type { DuckDBAppender } from '@duckdb/node-api';
import type { LogRecord } from '../worker/core/types';

export const CREATE_LOG_TABLE = `
CREATE TABLE IF NOT EXISTS log (
  request_id          VARCHAR  NOT NULL,
  attempt             INTEGER  NOT NULL,
  ts_start            BIGINT   NOT NULL,  -- epoch ms
  ts_end              BIGINT   NOT NULL,  -- epoch ms
  key_id              VARCHAR  NOT NULL,
  user_id             VARCHAR  NOT NULL,
  group_id            VARCHAR  NOT NULL,
  model               VARCHAR  NOT NULL,
  channel_id          VARCHAR  NOT NULL,
  upstream_model      VARCHAR  NOT NULL,
  client_protocol     VARCHAR  NOT NULL,
  dialect             VARCHAR  NOT NULL,
  stream              BOOLEAN  NOT NULL,
  status              INTEGER  NOT NULL,
  error_class         VARCHAR  NOT NULL,
  error_message       VARCHAR  NOT NULL,
  ttft_ms             DOUBLE,
  duration_ms         DOUBLE   NOT NULL,
  input_tokens        INTEGER  NOT NULL,
  output_tokens       INTEGER  NOT NULL,
  cached_input_tokens INTEGER  NOT NULL,
  reasoning_tokens    INTEGER  NOT NULL,
  usage_estimated     BOOLEAN  NOT NULL,
  cost_usd            DOUBLE   NOT NULL,
  price_usd           DOUBLE   NOT NULL,
  final               BOOLEAN  NOT NULL,
  cache_write_tokens    INTEGER NOT NULL DEFAULT 0,
  cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
  conversation        VARCHAR,  -- issue 14: prompt-prefix hash, null without one
  cache_state         VARCHAR,  -- 'warm' / 'cold' / null
  hedge               VARCHAR   -- 'primary' / 'hedge' / null
)`;

/**
 * Columns added after the first release, in order. The appender writes by position, and
 * ALTER TABLE appends at the end, so new columns always go last in CREATE_LOG_TABLE too:
 * a file made before them and a new file then have the same column order. Each statement
 * is a no-op on a table that already has the column.
 */
export const MIGRATE_LOG_TABLE = [
  'ALTER TABLE log ADD COLUMN IF NOT EXISTS cache_write_tokens INTEGER DEFAULT 0',
  'ALTER TABLE log ADD COLUMN IF NOT EXISTS cache_write_1h_tokens INTEGER DEFAULT 0',
  'ALTER TABLE log ADD COLUMN IF NOT EXISTS conversation VARCHAR',
  'ALTER TABLE log ADD COLUMN IF NOT EXISTS cache_state VARCHAR',
  'ALTER TABLE log ADD COLUMN IF NOT EXISTS hedge VARCHAR',
];

/** Keys of one ingest batch, for the duplicate check (in memory, per connection). */
export const CREATE_INCOMING_KEYS_TABLE = `
CREATE TEMP TABLE IF NOT EXISTS incoming_keys (
  request_id VARCHAR NOT NULL,
  attempt    INTEGER NOT NULL
)`;

/** Appends one record in the column order of CREATE_LOG_TABLE. */
export function appendLogRecord(appender: DuckDBAppender, record: LogRecord): void {
  appender.appendVarchar(record.request_id);
  appender.appendInteger(record.attempt);
  appender.appendBigInt(BigInt(record.ts_start));
  appender.appendBigInt(BigInt(record.ts_end));
  appender.appendVarchar(record.key_id);
  appender.appendVarchar(record.user_id);
  appender.appendVarchar(record.group_id);
  appender.appendVarchar(record.model);
  appender.appendVarchar(record.channel_id);
  appender.appendVarchar(record.upstream_model);
  appender.appendVarchar(record.client_protocol);
  appender.appendVarchar(record.dialect);
  appender.appendBoolean(record.stream);
  appender.appendInteger(record.status);
  appender.appendVarchar(record.error_class);
  appender.appendVarchar(record.error_message);
  if (record.ttft_ms === null) appender.appendNull();
  else appender.appendDouble(record.ttft_ms);
  appender.appendDouble(record.duration_ms);
  appender.appendInteger(record.input_tokens);
  appender.appendInteger(record.output_tokens);
  appender.appendInteger(record.cached_input_tokens);
  appender.appendInteger(record.reasoning_tokens);
  appender.appendBoolean(record.usage_estimated);
  appender.appendDouble(record.cost_usd);
  appender.appendDouble(record.price_usd);
  appender.appendBoolean(record.final);
  appender.appendInteger(record.cache_write_tokens);
  appender.appendInteger(record.cache_write_1h_tokens);
  appendOptionalText(appender, record.conversation);
  appendOptionalText(appender, record.cache_state);
  appendOptionalText(appender, record.hedge);
  appender.endRow();
}

function appendOptionalText(appender: DuckDBAppender, value: string | null | undefined): void {
  if (value === undefined || value === null) appender.appendNull();
  else appender.appendVarchar(value);
}
