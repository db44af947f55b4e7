// The DuckDB store: one embedded file, owned by a writer thread (ingest/writer-thread.ts) so
// that deduplicating and appending batches runs on the node's second core; records are parsed
// and checked once, on the calling thread, and cross to the writer as columns. Every
// statement goes there: writes one at a time on its writer connection (concurrent ingest
// batches are grouped into one transaction), queries on its reader connection. Batch ids
// need no table of their own here: one process owns the file, and the per-key check inside
// the writer's transaction already makes a replayed batch store nothing.
import type { LogRecord } from '../../worker/core/types';
import type { CheckedIngest } from '../ingest/checked-ingest';
import { recordsOf } from '../ingest/ingest-group';
import { columnsOf, transferablesOf } from '../ingest/record-columns';
import { primitiveValues, startWriterThread } from '../ingest/writer-client';
import type { BodyOutcome, LogStore, BoundValues } from './log-store';
import { windowStatsOf } from './window-stats';

export async function openDuckDbStore(dbPath: string): Promise<LogStore> {
  const writer = await startWriterThread(dbPath);
  let rows = writer.rows;
  let closing: Promise<void> | null = null;

  async function ingestChecked(records: readonly LogRecord[]): Promise<BodyOutcome> {
    const columns = columnsOf(records);
    const outcome = (await writer.request({ kind: 'ingest', columns }, transferablesOf(columns))) as BodyOutcome;
    if (outcome.valid) rows += outcome.storedCount;
    return outcome;
  }

  const store: LogStore & CheckedIngest = {
    dialect: 'duckdb',
    ingestChecked,
    async ingestBody(body) {
      const records = recordsOf(body);
      return records === null ? { valid: false } : ingestChecked(records);
    },
    append: (_batchId, records) => store.ingest(records),
    async ingest(records) {
      // Typed records from this process: stored as given, unchecked (as before the writer thread).
      const outcome = await ingestChecked(records);
      if (!outcome.valid) throw new Error('log store: invalid records');
      const stored = outcome.stored === null ? [...records] : outcome.stored.map((index) => records[index]!);
      return { stored, duplicates: outcome.duplicates };
    },
    windowStats: (fromMs, toMs) => windowStatsOf(store.query, 'duckdb', fromMs, toMs),
    async query<Row>(sql: string, values?: BoundValues) {
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
  return store;
}
