// The ClickHouse store: the same LogStore over @clickhouse/client, either on a server
// (`clickhouse://…`) or on chdb, the ClickHouse engine in-process (`chdb:PATH`): one code
// path, two connections. An append checks which of its keys are already stored (this node's
// appends run one at a time), then inserts the rest with the batch id as
// insert_deduplication_token; what two nodes still store twice collapses in the
// ReplacingMergeTree, and reads that money depends on use FINAL (dialect.ts logSource).
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import type { LogRecord } from '../../worker/core/types';
import { recordsOf } from '../ingest/ingest-group';
import { SerialQueue } from '../ingest/serial-queue';
import { batchIdOfBody, batchIdOfRecords } from './batch-id';
import { decisionRow, logRow } from './clickhouse-rows';
import { clickHouseSchema, quoteIdentifier } from './clickhouse-schema';
import type { BodyOutcome, BoundValues, ExportStreamFormat, LogStore } from './log-store';
import { rewritePlaceholders } from './placeholders';
import type { StoreSpec } from './store-spec';
import { windowStatsOf } from './window-stats';

/** Settings on every statement: DuckDB's semantics where the SQL is shared, DuckDB's JSON shapes. */
const SETTINGS: ClickHouseSettings = {
  join_use_nulls: 1,
  output_format_json_quote_64bit_integers: 1,
  output_format_json_quote_decimals: 1,
};
/**
 * Statements from callers: a table created without an engine is a MergeTree without a sort
 * key. (Columns keep ClickHouse's rule: not nullable unless Nullable(…); the console writes
 * its ClickHouse DDL explicitly.)
 */
const CALLER_WRITE_SETTINGS: ClickHouseSettings = {
  ...SETTINGS,
  default_table_engine: 'MergeTree',
  create_table_empty_primary_key_by_default: 1,
};
/**
 * Exports: NULL as an empty CSV field (as DuckDB's COPY writes it, not ClickHouse's `\N`),
 * Parquet compressed with zstd (as the DuckDB export).
 */
const EXPORT_SETTINGS: ClickHouseSettings = {
  ...SETTINGS,
  format_csv_null_representation: '',
  output_format_parquet_compression_method: 'zstd',
};
/** Keys per existence check (they travel as one Array(String) parameter). */
const KEYS_PER_CHECK = 2_000;

type ClickHouseSpec = Exclude<StoreSpec, { kind: 'duckdb' }>;

export async function openClickHouseStore(spec: ClickHouseSpec): Promise<LogStore> {
  const client = await connect(spec);
  const appends = new SerialQueue();
  let rows = 0;
  let closing: Promise<void> | null = null;

  async function run<Row>(sql: string, values?: BoundValues): Promise<Row[]> {
    const { sql: rewritten, params } = rewritePlaceholders(sql, values);
    const result = await client.query({ query: rewritten, query_params: params, format: 'JSONEachRow', clickhouse_settings: SETTINGS });
    return (await result.json()) as Row[];
  }

  async function write(sql: string, values?: BoundValues, settings = CALLER_WRITE_SETTINGS): Promise<void> {
    const { sql: rewritten, params } = rewritePlaceholders(sql, values);
    await client.command({ query: rewritten, query_params: params, clickhouse_settings: settings });
  }

  for (const statement of clickHouseSchema({ cluster: spec.cluster })) await write(statement, [], SETTINGS);
  rows = Number((await run<{ n: string }>('SELECT count() AS n FROM log'))[0]?.n ?? 0);

  /** Stores the records not already stored; the indexes of those it stored, in input order. */
  async function appendIndexed(batchId: string, records: readonly LogRecord[]): Promise<number[]> {
    const fresh = firstOfEachKey(records);
    if (fresh.length === 0) return [];
    const existing = await existingKeys(fresh.map((index) => records[index]!));
    const stored = fresh.filter((index) => !existing.has(keyOf(records[index]!)));
    if (stored.length === 0) return [];
    // Decisions first: a failure between the two inserts leaves the records unstored, so
    // the retried batch stores them and their decisions again (decisions collapse by request).
    const decisions = stored.map((index) => decisionRow(records[index]!)).filter((row) => row !== null);
    if (decisions.length > 0) await insert('decisions', decisions, `${batchId}:decisions`);
    await insert('log', stored.map((index) => logRow(records[index]!)), batchId);
    rows += stored.length;
    return stored;
  }

  async function insert(table: string, values: Record<string, unknown>[], token: string): Promise<void> {
    await client.insert({
      table,
      values,
      format: 'JSONEachRow',
      clickhouse_settings: { ...SETTINGS, insert_deduplicate: 1, insert_deduplication_token: token },
    });
  }

  async function existingKeys(records: readonly LogRecord[]): Promise<Set<string>> {
    // A replayed record is the same record: its twin has the same ts_end, so the range prunes.
    const found = new Set<string>();
    const minTs = Math.min(...records.map((record) => record.ts_end));
    const maxTs = Math.max(...records.map((record) => record.ts_end));
    for (let start = 0; start < records.length; start += KEYS_PER_CHECK) {
      const ids = [...new Set(records.slice(start, start + KEYS_PER_CHECK).map((record) => record.request_id))];
      const result = await client.query({
        query: `SELECT request_id, attempt FROM log WHERE ts_end BETWEEN ${Math.trunc(minTs)} AND ${Math.trunc(maxTs)} AND request_id IN {ids:Array(String)}`,
        query_params: { ids },
        format: 'JSONEachRow',
        clickhouse_settings: SETTINGS,
      });
      for (const row of (await result.json()) as { request_id: string; attempt: number }[]) found.add(keyOf(row));
    }
    return found;
  }

  const store: LogStore = {
    dialect: 'clickhouse',
    async append(batchId, records) {
      const stored = await appends.run(() => appendIndexed(batchId, records));
      return { stored: stored.map((index) => records[index]!), duplicates: records.length - stored.length };
    },
    ingest: (records) => store.append(batchIdOfRecords(records), records),
    async ingestBody(body): Promise<BodyOutcome> {
      const records = recordsOf(body);
      if (records === null) return { valid: false };
      const stored = await appends.run(() => appendIndexed(batchIdOfBody(body), records));
      return {
        valid: true,
        stored: stored.length === records.length ? null : stored,
        storedCount: stored.length,
        duplicates: records.length - stored.length,
      };
    },
    windowStats: (fromMs, toMs) => windowStatsOf(run, 'clickhouse', fromMs, toMs),
    query: run,
    async exportStream(sql: string, values: BoundValues, format: ExportStreamFormat) {
      const { sql: rewritten, params } = rewritePlaceholders(sql, values);
      const result = await client.exec({ query: `${rewritten}\nFORMAT ${format}`, query_params: params, clickhouse_settings: EXPORT_SETTINGS });
      return Readable.toWeb(result.stream) as ReadableStream<Uint8Array>;
    },
    write: (sql, values) => write(sql, values),
    rowCount: () => rows,
    // Every insert is synchronous (no async_insert): once it returned, it is stored.
    flush: async () => void (await appends.idle()),
    close() {
      closing ??= (async () => {
        await appends.idle();
        await client.close();
      })();
      return closing;
    },
  };
  return store;
}

async function connect(spec: ClickHouseSpec): Promise<ClickHouseClient> {
  if (spec.kind === 'chdb') {
    // Optional dependency (~550 MB): loaded only when a chdb store is asked for. The
    // connection ignores the client's `database` option; its session keeps a USE.
    const { createChdbConnection } = await import('chdb/connection');
    const client = createClient({ connection: createChdbConnection({ path: spec.path }) } as Parameters<typeof createClient>[0]);
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(spec.database)}` });
    await client.command({ query: `USE ${quoteIdentifier(spec.database)}` });
    return client;
  }
  const bootstrap = createClient({ url: spec.url, username: spec.username, password: spec.password });
  const onCluster = spec.cluster === null ? '' : ` ON CLUSTER ${quoteIdentifier(spec.cluster)}`;
  await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(spec.database)}${onCluster}` });
  await bootstrap.close();
  return createClient({ url: spec.url, username: spec.username, password: spec.password, database: spec.database });
}

/** Indexes of the first record of each (request_id, attempt), in input order. */
function firstOfEachKey(records: readonly LogRecord[]): number[] {
  const seen = new Set<string>();
  const indexes: number[] = [];
  records.forEach((record, index) => {
    const key = keyOf(record);
    if (seen.has(key)) return;
    seen.add(key);
    indexes.push(index);
  });
  return indexes;
}

function keyOf(record: { request_id: string; attempt: number }): string {
  return `${Number(record.attempt)}:${record.request_id}`;
}
