// The DuckDB file, owned by a writer thread (ingest/writer-thread.ts) so that parsing,
// checking and appending batches runs on the node's second core. Every statement goes
// there: writes one at a time on its writer connection (concurrent ingest batches are
// grouped into one transaction), queries on its reader connection.
import type { DuckDBValue } from '@duckdb/node-api';
import type { LogRecord } from '../worker/core/types';
import type { BodyOutcome } from './ingest/ingest-group';
import { primitiveValues, startWriterThread } from './ingest/writer-client';

export interface IngestResult {
  /** The records stored by this call, in input order (duplicates left out). */
  stored: LogRecord[];
  duplicates: number;
}

export interface LogStore {
  ingest(records: readonly LogRecord[]): Promise<IngestResult>;
  /**
   * Stores an /ingest body as text: the writer thread parses and checks it (checkIngestBody)
   * and stores its new records, or nothing when it is invalid.
   */
  ingestBody(body: string): Promise<BodyOutcome>;
  /** Runs a read-only query; rows as JSON-friendly objects (BIGINT as string: cast in SQL). */
  query<Row = Record<string, unknown>>(sql: string, values?: DuckDBValue[]): Promise<Row[]>;
  /** Runs a write statement on the writer connection, in turn with ingest batches. */
  write(sql: string, values?: DuckDBValue[]): Promise<void>;
  rowCount(): number;
  /** Waits for pending batches, then checkpoints the file. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function openLogStore(dbPath: string): Promise<LogStore> {
  const writer = await startWriterThread(dbPath);
  let rows = writer.rows;
  let closing: Promise<void> | null = null;

  async function ingestText(body: string, trusted: boolean): Promise<BodyOutcome> {
    const outcome = (await writer.request({ kind: 'ingest', body, trusted })) as BodyOutcome;
    if (outcome.valid) rows += outcome.storedCount;
    return outcome;
  }

  return {
    ingestBody: (body) => ingestText(body, false),
    async ingest(records) {
      // Typed records from this process: stored as given, unchecked (as before the writer thread).
      const outcome = await ingestText(JSON.stringify({ records }), true);
      if (!outcome.valid) throw new Error('log store: invalid records');
      const stored = outcome.stored === null ? [...records] : outcome.stored.map((index) => records[index]!);
      return { stored, duplicates: outcome.duplicates };
    },
    async query<Row>(sql: string, values?: DuckDBValue[]) {
      return (await writer.request({ kind: 'query', sql, values: primitiveValues(values) })) as Row[];
    },
    async write(sql, values) {
      await writer.request({ kind: 'write', sql, values: primitiveValues(values) });
    },
    rowCount: () => rows,
    async flush() {
      await writer.request({ kind: 'flush' });
    },
    close() {
      closing ??= (async () => {
        await writer.request({ kind: 'close' });
        await writer.terminate();
      })();
      return closing;
    },
  };
}
