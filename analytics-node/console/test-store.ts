// Tests only: a LogStore straight on DuckDB (one connection, one statement at a time), so the
// console's tests do not depend on how the production store schedules its work.
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { LogRecord } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import { CREATE_LOG_TABLE, appendLogRecord } from '../log-table';
import { RollupMaintenance } from './rollup-maintenance';
import { appendPendingRecord, ensureRollups } from './rollup-tables';

export async function directStore(dbPath: string): Promise<LogStore & { rebuildRollups(): Promise<void> }> {
  const instance = await DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  await connection.run(CREATE_LOG_TABLE);
  const rollups = { run: (sql: string) => connection.run(sql), count: async (sql: string) => Number((await connection.runAndReadAll(sql)).getRowsJson()[0]?.[0] ?? 0) };
  await ensureRollups(rollups);
  // Folded and merged at every batch: the tests on this store see the rollups, not pending rows.
  const maintenance = new RollupMaintenance({ foldEveryMs: 0, mergeEveryMs: 0 });
  const maintained = { run: rollups.run, column: async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJson().map((row) => Number(row[0])) };
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = tail.then(job, job);
    tail = next.catch(() => undefined);
    return next;
  };
  let rows = 0;
  const store = {
    ingest: (records: readonly LogRecord[]) =>
      serial(async () => {
        // Like the writer thread: the log and the rollups in one transaction.
        await connection.run('BEGIN TRANSACTION');
        const appender = await connection.createAppender('log');
        for (const record of records) appendLogRecord(appender, record);
        appender.closeSync();
        const pending = await connection.createAppender('rollup_pending');
        for (const record of records) appendPendingRecord(pending, record);
        pending.closeSync();
        await maintenance.afterAppend(maintained);
        await connection.run('COMMIT');
        rows += records.length;
        return { stored: [...records], duplicates: 0 };
      }),
    query: <Row>(sql: string, values?: DuckDBValue[]) => serial(async () => (await connection.runAndReadAll(sql, values)).getRowObjectsJson() as Row[]),
    write: (sql: string, values?: DuckDBValue[]) => serial(async () => void (await connection.run(sql, values))),
    /** Rebuilds the rollups from the log (the benchmark's fill writes the log directly). */
    rebuildRollups: () => serial(async () => {
      await connection.run('DELETE FROM rollup_state');
      await ensureRollups(rollups);
    }),
    rowCount: () => rows,
    flush: () => serial(async () => void (await connection.run('CHECKPOINT'))),
    close: () =>
      serial(async () => {
        connection.closeSync();
        instance.closeSync();
      }),
  };
  return store as unknown as LogStore & { rebuildRollups(): Promise<void> };
}
