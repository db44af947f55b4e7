// The chunk appender must store exactly what the row appender stores: strings written into
// their 16-byte slots by hand (≤ 12 ASCII characters) are the risky part, so the rows probe
// the inline limit, non-ASCII, NUL, empty and null strings, 64-bit edges and several chunks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { LogRecord } from '../../worker/core/types';
import { CREATE_LOG_TABLE, appendLogRecord } from '../log-table';
import { makeRecord } from '../test-support';
import { appendColumns, tablePlan } from './chunk-append';
import { columnsOf } from './record-columns';

const STRINGS = ['', 'a', 'exactly12chr', 'thirteen-char', 'é', 'ünïcödé', '日本語', '😀', 'a\u0000b', 'x'.repeat(300), 'mixed-ascii-é-long'];

function probeRecords(count: number): LogRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const text = STRINGS[index % STRINGS.length]!;
    return makeRecord({
      request_id: `r-${index}-${text}`.slice(0, 256) || 'r',
      attempt: 1 + (index % 3),
      ts_end: index % 5 === 0 ? 8_640_000_000_000 : 1_800_000_000_000 + index,
      ts_start: index % 7 === 0 ? 0 : 1_799_999_999_000 + index,
      key_id: text,
      user_id: STRINGS[(index + 3) % STRINGS.length]!,
      model: text || 'm',
      error_message: index % 2 === 0 ? text : '',
      ttft_ms: index % 4 === 0 ? null : index / 3,
      stream: index % 2 === 0,
      status: index % 1000,
      input_tokens: index % 9 === 0 ? 2_147_483_647 : index,
      cost_usd: index * 1e-7,
      conversation: index % 3 === 0 ? null : index % 3 === 1 ? undefined : text,
      cache_state: index % 2 === 0 ? 'warm' : null,
      hedge: index % 5 === 0 ? 'hedge' : undefined,
    });
  });
}

describe('chunk append', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    await connection.run(CREATE_LOG_TABLE);
    await connection.run(CREATE_LOG_TABLE.replace('IF NOT EXISTS log', 'IF NOT EXISTS log_by_row'));
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('stores exactly what the row appender stores, across several chunks', async () => {
    const records = probeRecords(2048 * 2 + 77);
    const byChunk = await connection.createAppender('log');
    appendColumns(byChunk, await tablePlan(connection, 'log'), columnsOf(records), null);
    byChunk.closeSync();
    const byRow = await connection.createAppender('log_by_row');
    for (const record of records) appendLogRecord(byRow, record);
    byRow.closeSync();

    const read = async (table: string) => (await connection.runAndReadAll(`SELECT * FROM ${table} ORDER BY rowid`)).getRowObjectsJson();
    const [chunked, rowed] = [await read('log'), await read('log_by_row')];
    expect(chunked).toHaveLength(records.length);
    expect(chunked).toEqual(rowed);
    // Inline strings must compare equal to strings DuckDB made itself (zero padding matters).
    const textColumns = ['request_id', 'key_id', 'user_id', 'group_id', 'model', 'channel_id', 'upstream_model', 'error_class', 'error_message', 'conversation', 'cache_state', 'hedge'];
    const joined = await connection.runAndReadAll(
      `SELECT count(*)::INTEGER FROM log a JOIN log_by_row b ON a.rowid = b.rowid AND ${textColumns.map((column) => `a.${column} IS NOT DISTINCT FROM b.${column}`).join(' AND ')}`,
    );
    expect(joined.getRowsJson()[0]![0]).toBe(records.length);
  });

  it('refuses a row whose NOT NULL column is missing, storing nothing of its chunk', async () => {
    const appender = await connection.createAppender('log');
    const plan = await tablePlan(connection, 'log');
    const broken = { ...makeRecord({ request_id: 'broken' }), channel_id: undefined } as unknown as LogRecord;
    expect(() => {
      appendColumns(appender, plan, columnsOf([makeRecord({ request_id: 'fine' }), broken]), null);
      appender.closeSync();
    }).toThrow();
    const count = await connection.runAndReadAll("SELECT count(*)::INTEGER FROM log WHERE request_id IN ('fine', 'broken')");
    expect(count.getRowsJson()[0]![0]).toBe(0);
  });

  it('appends only the selected rows, in the order given', async () => {
    await connection.run('CREATE TABLE picked (request_id VARCHAR NOT NULL, attempt INTEGER NOT NULL)');
    const appender = await connection.createAppender('picked');
    const records = [0, 1, 2, 3, 4, 5].map((index) => makeRecord({ request_id: `pick-${index}`, attempt: index + 1 }));
    appendColumns(appender, await tablePlan(connection, 'picked'), columnsOf(records), [5, 0, 2]);
    appender.closeSync();
    const rows = (await connection.runAndReadAll('SELECT request_id, attempt FROM picked ORDER BY rowid')).getRowsJson();
    expect(rows).toEqual([['pick-5', 6], ['pick-0', 1], ['pick-2', 3]]);
  });

  it('refuses a table column that the record columns do not carry (a new log column must be encoded)', async () => {
    await connection.run('CREATE TABLE widened (request_id VARCHAR, surprise VARCHAR)');
    await expect(tablePlan(connection, 'widened')).rejects.toThrow(/widened\.surprise has no column/);
    await connection.run('CREATE TABLE mistyped (request_id INTEGER)');
    await expect(tablePlan(connection, 'mistyped')).rejects.toThrow(/mistyped\.request_id has no column/);
  });
});
