// Tests only: a LogStore on ClickHouse in-process (chdb through @clickhouse/client), with the
// shape the node's ClickHouse store has (dialect, `$n` placeholders, a deduplicated log), so the
// console's queries and tables are tested on both engines without waiting for that store.
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { DuckDBValue } from '@duckdb/node-api';
import { Readable } from 'node:stream';
import type { LogRecord } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import type { DialectStore } from './console-sql';

const LOG = `CREATE TABLE IF NOT EXISTS log (
  request_id String, attempt Int32, ts_start Int64, ts_end Int64, key_id String, user_id String, group_id String,
  model String, channel_id String, upstream_model String, client_protocol String, dialect String, stream Bool,
  status Int32, error_class String, error_message String, ttft_ms Nullable(Float64), duration_ms Float64,
  input_tokens Int32, output_tokens Int32, cached_input_tokens Int32, reasoning_tokens Int32, usage_estimated Bool,
  cost_usd Float64, price_usd Float64, final Bool, cache_write_tokens Int32, cache_write_1h_tokens Int32
) ENGINE = ReplacingMergeTree ORDER BY (request_id, attempt)`;

const DECISIONS = `CREATE TABLE IF NOT EXISTS decisions (
  request_id String, ts Int64, user_id String, key_id String, model String, mode String, rule String,
  temperature Float64, exploration Float64, weights String, score_version Int64, total_candidates Int32,
  candidates String, plan String, reason String
) ENGINE = ReplacingMergeTree ORDER BY request_id`;

const LOG_COLUMNS = [
  'request_id', 'attempt', 'ts_start', 'ts_end', 'key_id', 'user_id', 'group_id', 'model', 'channel_id', 'upstream_model',
  'client_protocol', 'dialect', 'stream', 'status', 'error_class', 'error_message', 'ttft_ms', 'duration_ms', 'input_tokens',
  'output_tokens', 'cached_input_tokens', 'reasoning_tokens', 'usage_estimated', 'cost_usd', 'price_usd', 'final',
  'cache_write_tokens', 'cache_write_1h_tokens',
] as const;

/** `$n` → `{pn:Type}` with the type of the bound value, and the values as query parameters. */
export function clickhouseParameters(sql: string, values: readonly DuckDBValue[] = []): { query: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const query = sql.replace(/\$(\d+)/g, (_, digits: string) => {
    const value = values[Number(digits) - 1];
    params[`p${digits}`] = value;
    const type = typeof value === 'boolean' ? 'Bool' : typeof value === 'number' ? (Number.isInteger(value) ? 'Int64' : 'Float64') : value === null ? 'Nullable(String)' : 'String';
    return `{p${digits}:${type}}`;
  });
  return { query, params };
}

export type ChdbStore = LogStore & DialectStore & { client: ClickHouseClient };

export async function chdbStore(directory: string): Promise<ChdbStore> {
  const { createChdbConnection } = (await import('chdb/connection')) as { createChdbConnection(options: { path: string }): unknown };
  const client = createClient({ connection: createChdbConnection({ path: directory }) } as never);
  await client.command({ query: LOG });
  await client.command({ query: DECISIONS });
  let rows = 0;
  const store = {
    dialect: 'clickhouse' as const,
    client,
    async ingest(records: readonly LogRecord[]) {
      const logRows = records.map((record) => Object.fromEntries(LOG_COLUMNS.map((column) => [column, record[column]])));
      await client.insert({ table: 'log', values: logRows, format: 'JSONEachRow' });
      const decisions = records.filter((record) => record.decision !== undefined).map((record) => ({
        request_id: record.request_id, ts: record.ts_start, user_id: record.user_id, key_id: record.key_id, model: record.model,
        ...record.decision, weights: JSON.stringify(record.decision!.weights), candidates: JSON.stringify(record.decision!.candidates),
        plan: JSON.stringify(record.decision!.plan),
      }));
      if (decisions.length > 0) await client.insert({ table: 'decisions', values: decisions, format: 'JSONEachRow' });
      rows += records.length;
      return { stored: [...records], duplicates: 0 };
    },
    ingestBody: async () => ({ valid: false }),
    async query<Row>(sql: string, values?: DuckDBValue[]) {
      const { query, params } = clickhouseParameters(sql, values);
      const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
      return (await result.json()) as Row[];
    },
    async write(sql: string, values?: DuckDBValue[]) {
      const { query, params } = clickhouseParameters(sql, values);
      await client.command({ query, query_params: params });
    },
    async exportStream(sql: string, values: readonly DuckDBValue[], format: 'CSVWithNames' | 'Parquet') {
      const { query, params } = clickhouseParameters(sql, values);
      const result = await client.exec({
        query: `${query} FORMAT ${format}`,
        query_params: params,
        clickhouse_settings: { format_csv_null_representation: '', output_format_parquet_compression_method: 'zstd' } as never,
      });
      return Readable.toWeb(result.stream) as ReadableStream<Uint8Array>;
    },
    rowCount: () => rows,
    flush: async () => undefined,
    close: () => client.close(),
  };
  // Only what the console reads of a store (like test-store.ts): the node's store has more.
  return store as unknown as ChdbStore;
}
