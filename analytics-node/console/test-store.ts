// Tests only: a LogStore straight on DuckDB (one connection, one statement at a time), so the
// console's tests do not depend on how the production store schedules its work.
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { LogRecord } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import { CREATE_LOG_TABLE, appendLogRecord } from '../log-table';

export async function directStore(dbPath: string): Promise<LogStore> {
  const instance = await DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  await connection.run(CREATE_LOG_TABLE);
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
        const appender = await connection.createAppender('log');
        for (const record of records) appendLogRecord(appender, record);
        appender.closeSync();
        rows += records.length;
        return { stored: [...records], duplicates: 0 };
      }),
    query: <Row>(sql: string, values?: DuckDBValue[]) => serial(async () => (await connection.runAndReadAll(sql, values)).getRowObjectsJson() as Row[]),
    write: (sql: string, values?: DuckDBValue[]) => serial(async () => void (await connection.run(sql, values))),
    rowCount: () => rows,
    flush: () => serial(async () => void (await connection.run('CHECKPOINT'))),
    close: () =>
      serial(async () => {
        connection.closeSync();
        instance.closeSync();
      }),
  };
  return store as unknown as LogStore;
}
