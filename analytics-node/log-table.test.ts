// A DuckDB file written before cache-write metering must open, take new records and keep
// its old rows (with zero cache writes) — the appender writes by column position.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLogStore } from './log-store';
import { CREATE_LOG_TABLE } from './log-table';
import { makeRecord, temporaryDirectory } from './test-support';

/** The log table as it was before cache_write_tokens and cache_write_1h_tokens (and every later column). */
const OLD_LOG_TABLE = `${CREATE_LOG_TABLE.slice(0, CREATE_LOG_TABLE.indexOf(',\n  cache_write_tokens'))}\n)`;

let temporary: ReturnType<typeof temporaryDirectory>;
beforeEach(() => {
  temporary = temporaryDirectory();
});
afterEach(() => temporary.remove());

describe('log table migration', () => {
  it('the old table text really lacks the new columns', () => {
    expect(OLD_LOG_TABLE).not.toContain('cache_write');
    expect(OLD_LOG_TABLE).not.toContain('conversation');
    expect(OLD_LOG_TABLE).toContain('final               BOOLEAN  NOT NULL\n)');
  });

  it('adds the cache-write columns to an existing file and appends new records in order', async () => {
    const instance = await DuckDBInstance.create(temporary.dbPath);
    const connection = await instance.connect();
    await connection.run(OLD_LOG_TABLE);
    await connection.run(
      `INSERT INTO log VALUES ('old-1', 1, 1, 2, 'k', 'u', 'default', 'm', 'c', 'm', 'openai', 'openai', true, 200,
        'none', '', 5, 10, 100, 20, 30, 0, false, 0.001, 0.002, true)`,
    );
    connection.closeSync();
    instance.closeSync();

    const store = await openLogStore(temporary.dbPath);
    await store.ingest([makeRecord({ request_id: 'new-1', input_tokens: 5_000, cached_input_tokens: 100, cache_write_tokens: 2_000, cache_write_1h_tokens: 1_500 })]);
    const rows = await store.query<Record<string, unknown>>(
      'SELECT request_id, cached_input_tokens, cache_write_tokens, cache_write_1h_tokens, final FROM log ORDER BY request_id',
    );
    await store.close();
    expect(rows).toEqual([
      { request_id: 'new-1', cached_input_tokens: 100, cache_write_tokens: 2_000, cache_write_1h_tokens: 1_500, final: true },
      { request_id: 'old-1', cached_input_tokens: 30, cache_write_tokens: 0, cache_write_1h_tokens: 0, final: true },
    ]);
  });

  it('adds the issue-14 columns (conversation, cache_state, hedge): old rows read null, new rows keep theirs', async () => {
    const instance = await DuckDBInstance.create(temporary.dbPath);
    const connection = await instance.connect();
    await connection.run(OLD_LOG_TABLE);
    await connection.run('ALTER TABLE log ADD COLUMN cache_write_tokens INTEGER DEFAULT 0');
    await connection.run('ALTER TABLE log ADD COLUMN cache_write_1h_tokens INTEGER DEFAULT 0');
    await connection.run(
      `INSERT INTO log VALUES ('old-1', 1, 1, 2, 'k', 'u', 'default', 'm', 'c', 'm', 'openai', 'openai', true, 200,
        'none', '', 5, 10, 100, 20, 30, 0, false, 0.001, 0.002, true, 0, 0)`,
    );
    connection.closeSync();
    instance.closeSync();

    const store = await openLogStore(temporary.dbPath);
    await store.ingest([makeRecord({ request_id: 'new-1', conversation: 'abc123', cache_state: 'warm', hedge: 'hedge' })]);
    const rows = await store.query('SELECT request_id, conversation, cache_state, hedge FROM log ORDER BY request_id');
    await store.close();
    expect(rows).toEqual([
      { request_id: 'new-1', conversation: 'abc123', cache_state: 'warm', hedge: 'hedge' },
      { request_id: 'old-1', conversation: null, cache_state: null, hedge: null },
    ]);
  });

  it('opens a migrated file again without change', async () => {
    const first = await openLogStore(temporary.dbPath);
    await first.ingest([makeRecord({ cache_write_tokens: 7 })]);
    await first.close();
    const second = await openLogStore(temporary.dbPath);
    const rows = await second.query<{ cache_write_tokens: number }>('SELECT cache_write_tokens FROM log');
    await second.close();
    expect(rows).toEqual([{ cache_write_tokens: 7 }]);
  });
});

describe('records from workers older than cache-write metering', () => {
  it('are accepted with zero cache writes', async () => {
    const { logRecordSchema } = await import('./schemas');
    const { cache_write_tokens: _write, cache_write_1h_tokens: _write1h, ...old } = makeRecord();
    const parsed = logRecordSchema.parse(old);
    expect(parsed).toMatchObject({ cache_write_tokens: 0, cache_write_1h_tokens: 0 });
  });
});

describe('LogStore.write', () => {
  it('runs a write statement on the writer side, in turn with ingest batches', async () => {
    const store = await openLogStore(temporary.dbPath);
    await store.write('CREATE TABLE IF NOT EXISTS console_notes (id VARCHAR, n INTEGER)');
    const [, , written] = await Promise.all([
      store.ingest([makeRecord({ request_id: 'w-1' })]),
      store.ingest([makeRecord({ request_id: 'w-2' })]),
      // Queued after both batches: it sees both rows.
      store.write('INSERT INTO console_notes SELECT $1, count(*)::INTEGER FROM log', ['after-two']),
    ]);
    expect(written).toBeUndefined();
    const rows = await store.query('SELECT id, n FROM console_notes');
    await expect(store.write('INSERT INTO missing_table VALUES (1)')).rejects.toThrow(/missing_table/);
    await store.close();
    expect(rows).toEqual([{ id: 'after-two', n: 2 }]);
  });
});
