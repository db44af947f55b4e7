// Tests only: the console's store. DuckDB: a LogStore straight on DuckDB (one connection, one
// statement at a time), so the console's tests do not depend on how the production store
// schedules its work. ClickHouse (CONSOLE_TEST_STORE=chdb): the node's own store on chdb.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { LogRecord } from '../../worker/core/types';
import { openLogStore, type LogStore } from '../log-store';
import { CREATE_LOG_TABLE, appendLogRecord } from '../log-table';
import { RollupMaintenance } from './rollup-maintenance';
import { appendPendingRecord, ensureRollups } from './rollup-tables';

/** The store the console's tests run on: CONSOLE_TEST_STORE=chdb, else DuckDB (directStore). */
export function consoleTestStore(dbPath: string): Promise<LogStore> {
  return process.env.CONSOLE_TEST_STORE === 'chdb' ? chdbTestStore(dbPath) : directStore(dbPath);
}

let chdbDirectory: string | null = null;

/**
 * The node's ClickHouse store on chdb for a test's DuckDB path. chdb binds one data directory
 * per process, so every store of this process lives in one directory (removed at exit), each
 * path in a database of its own: the same path opens the same database again (a restart).
 */
export function chdbTestStore(dbPath: string): Promise<LogStore> {
  if (chdbDirectory === null) {
    const directory = path.join(tmpdir(), `console-tests-chdb-${process.pid}`);
    process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
    chdbDirectory = directory;
  }
  const database = `console_${createHash('sha256').update(path.resolve(dbPath)).digest('hex').slice(0, 16)}`;
  return openLogStore(`chdb:${chdbDirectory}?database=${database}`);
}

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
