// The DuckDB file: one writer connection (batches appended one at a time) and one reader
// connection for queries, each used by one statement at a time.
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { LogRecord } from '../worker/core/types';
import { CREATE_INCOMING_KEYS_TABLE, CREATE_LOG_TABLE, MIGRATE_LOG_TABLE, appendLogRecord } from './log-table';

export interface IngestResult {
  /** The records stored by this call, in input order (duplicates left out). */
  stored: LogRecord[];
  duplicates: number;
}

export interface LogStore {
  ingest(records: readonly LogRecord[]): Promise<IngestResult>;
  /** Runs a read-only query; rows as JSON-friendly objects (BIGINT as string: cast in SQL). */
  query<Row = Record<string, unknown>>(sql: string, values?: DuckDBValue[]): Promise<Row[]>;
  rowCount(): number;
  /** Waits for pending batches, then checkpoints the file. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function openLogStore(dbPath: string): Promise<LogStore> {
  const instance = await DuckDBInstance.create(dbPath);
  const writer = await instance.connect();
  const reader = await instance.connect();
  await writer.run(CREATE_LOG_TABLE);
  for (const statement of MIGRATE_LOG_TABLE) await writer.run(statement);
  await writer.run(CREATE_INCOMING_KEYS_TABLE);
  const counted = await reader.runAndReadAll('SELECT count(*)::DOUBLE AS rows FROM log');
  let rows = Number(counted.getRowObjectsJson()[0]?.rows ?? 0);
  const writes = new SerialQueue();
  const reads = new SerialQueue();
  let closed = false;

  return {
    ingest(records) {
      return writes.run(async () => {
        if (closed) throw new Error('log store is closed');
        const result = await ingestBatch(writer, records);
        rows += result.stored.length;
        return result;
      });
    },
    query<Row>(sql: string, values?: DuckDBValue[]) {
      return reads.run(async () => {
        const result = await reader.runAndReadAll(sql, values);
        return result.getRowObjectsJson() as Row[];
      });
    },
    rowCount: () => rows,
    async flush() {
      await writes.run(async () => {
        if (!closed) await writer.run('CHECKPOINT');
      });
    },
    async close() {
      await Promise.all([writes.idle(), reads.idle()]);
      if (closed) return;
      closed = true;
      await writer.run('CHECKPOINT');
      writer.closeSync();
      reader.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Idempotent on (request_id, attempt) without a primary key: a replayed record is the same
 * record, so its twin in `log` has the same ts_end and lies inside this batch's ts_end
 * range. The range scan is pruned by DuckDB's per-row-group min/max (rows arrive roughly in
 * time order), so its cost follows the batch, not the table. Writes are serialised, so no
 * two batches race past the check. (A primary key made each batch ~5× slower: README.md.)
 */
async function ingestBatch(connection: DuckDBConnection, records: readonly LogRecord[]): Promise<IngestResult> {
  const seen = new Set<string>();
  const unique: LogRecord[] = [];
  let minTs = Infinity;
  let maxTs = -Infinity;
  for (const record of records) {
    const key = keyOf(record.request_id, record.attempt);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(record);
    if (record.ts_end < minTs) minTs = record.ts_end;
    if (record.ts_end > maxTs) maxTs = record.ts_end;
  }
  if (unique.length === 0) return { stored: [], duplicates: records.length };

  const keys = await connection.createAppender('incoming_keys', 'main', 'temp');
  for (const record of unique) {
    keys.appendVarchar(record.request_id);
    keys.appendInteger(record.attempt);
    keys.endRow();
  }
  keys.closeSync();
  let existing: Set<string>;
  try {
    // minTs and maxTs are validated integers: inlined so the scan filter is a constant.
    const found = await connection.runAndReadAll(
      `SELECT k.request_id, k.attempt FROM incoming_keys k SEMI JOIN (
         SELECT request_id, attempt FROM log WHERE ts_end BETWEEN ${Math.trunc(minTs)} AND ${Math.trunc(maxTs)}
       ) l ON l.request_id = k.request_id AND l.attempt = k.attempt`,
    );
    existing = new Set(found.getRowsJson().map(([requestId, attempt]) => keyOf(String(requestId), Number(attempt))));
  } finally {
    await connection.run('DELETE FROM incoming_keys');
  }

  const stored =
    existing.size === 0 ? unique : unique.filter((record) => !existing.has(keyOf(record.request_id, record.attempt)));
  if (stored.length > 0) {
    await connection.run('BEGIN TRANSACTION');
    try {
      const appender = await connection.createAppender('log');
      for (const record of stored) appendLogRecord(appender, record);
      appender.closeSync();
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK');
      throw error;
    }
  }
  return { stored, duplicates: records.length - stored.length };
}

function keyOf(requestId: string, attempt: number): string {
  return `${attempt}:${requestId}`;
}

/** Runs async jobs one at a time, in call order; a failed job does not stop the queue. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }

  idle(): Promise<unknown> {
    return this.tail;
  }
}
