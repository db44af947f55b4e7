// One suite, both stores: DuckDB (the default file) and ClickHouse through chdb (the real
// engine in-process). chdb binds one data directory per process, so every ClickHouse store
// here lives in that one directory, each test in a database of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../worker/core/types';
import { createLedger } from '../ledger';
import { makeRecord } from '../test-support';
import type { LogStore } from './log-store';
import { openLogStore } from './open-store';

const folder = mkdtempSync(path.join(tmpdir(), 'log-store-'));
const chdbPath = path.join(folder, 'chdb');
let opened = 0;
const open: LogStore[] = [];

type Engine = 'duckdb' | 'chdb';
async function openStore(engine: Engine): Promise<LogStore> {
  opened += 1;
  const store = await openLogStore(engine === 'duckdb' ? `duckdb:${path.join(folder, `store-${opened}.duckdb`)}` : `chdb:${chdbPath}?database=test_${opened}`);
  open.push(store);
  return store;
}

afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const NOW = 1_800_000_000_000;

describe.each<Engine>(['duckdb', 'chdb'])('log store on %s', (engine) => {
  it('stores a batch once: the same batch twice, the same record in two batches, a later attempt', async () => {
    const store = await openStore(engine);
    const batch = [makeRecord({ request_id: 'a' }), makeRecord({ request_id: 'b' })];
    expect((await store.append('batch-1', batch)).stored).toHaveLength(2);
    expect(await store.append('batch-1', batch)).toEqual({ stored: [], duplicates: 2 });
    const mixed = [makeRecord({ request_id: 'b' }), makeRecord({ request_id: 'c' }), makeRecord({ request_id: 'a', attempt: 2, final: true })];
    const second = await store.append('batch-2', mixed);
    expect(second.stored.map((record) => `${record.request_id}#${record.attempt}`)).toEqual(['c#1', 'a#2']);
    expect(second.duplicates).toBe(1);
    // The same key twice inside one batch counts once.
    expect((await store.append('batch-3', [makeRecord({ request_id: 'd' }), makeRecord({ request_id: 'd' })])).duplicates).toBe(1);
    const rows = await store.query<{ request_id: string; attempt: number }>('SELECT request_id, attempt FROM log ORDER BY request_id, attempt');
    expect(rows).toEqual([
      { request_id: 'a', attempt: 1 }, { request_id: 'a', attempt: 2 }, { request_id: 'b', attempt: 1 },
      { request_id: 'c', attempt: 1 }, { request_id: 'd', attempt: 1 },
    ]);
    expect(store.rowCount()).toBe(5);
  });

  it('takes /ingest bodies: a replayed body stores nothing, an invalid one is refused whole', async () => {
    const store = await openStore(engine);
    const body = JSON.stringify({ records: [makeRecord({ request_id: 'x', conversation: 'c0ffee', cache_state: 'warm', hedge: 'primary' })] });
    expect(await store.ingestBody(body)).toEqual({ valid: true, stored: null, storedCount: 1, duplicates: 0 });
    expect(await store.ingestBody(body)).toEqual({ valid: true, stored: [], storedCount: 0, duplicates: 1 });
    expect(await store.ingestBody(JSON.stringify({ records: [makeRecord({ request_id: 'y' }), { ...makeRecord({ request_id: 'z' }), hedge: 'third' }] }))).toEqual({ valid: false });
    const rows = await store.query('SELECT request_id, conversation, cache_state, hedge FROM log ORDER BY request_id');
    expect(rows).toEqual([{ request_id: 'x', conversation: 'c0ffee', cache_state: 'warm', hedge: 'primary' }]);
  });

  it('stores hostile text verbatim: quotes, backslashes, NUL, placeholders, a megabyte', async () => {
    const store = await openStore(engine);
    const hostile = [`it's "quoted" \\ back\\slash`, 'nul\u0000inside', '$1 {p1:String} ?', 'emoji 🧪 and ünïcode', 'x'.repeat(1_000_000)];
    await store.append('hostile', hostile.map((text, index) => makeRecord({ request_id: `h${index}`, error_message: text, user_id: text })));
    const rows = await store.query<{ error_message: string; user_id: string }>('SELECT error_message, user_id FROM log ORDER BY request_id');
    expect(rows.map((row) => row.error_message)).toEqual(hostile);
    expect(rows.map((row) => row.user_id)).toEqual(hostile);
    // Bound values reach the engine as values, never as SQL.
    const found = await store.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM log WHERE user_id = $1 AND request_id <> $2', [hostile[0]!, '$1']);
    expect(found).toEqual([{ n: 1 }]);
  });

  it('runs writes with placeholders of every type', async () => {
    const store = await openStore(engine);
    // ClickHouse columns are nullable only when declared so; a table without an engine is a MergeTree.
    await store.write(`CREATE TABLE notes (id VARCHAR NOT NULL, n BIGINT, x DOUBLE, flag BOOLEAN, note ${engine === 'chdb' ? 'Nullable(String)' : 'VARCHAR'})`);
    await store.write('INSERT INTO notes VALUES ($1, $2, $3, $4, $5)', ['a', 42, 0.5, true, null]);
    await store.write('INSERT INTO notes VALUES ($1, $2, $3, $4, $5)', ["b'--", 9_007_199_254_740_991n, -1.25, false, '$2']);
    const rows = await store.query('SELECT id, n::DOUBLE AS n, x, flag, note FROM notes WHERE n > $1 ORDER BY id', [0]);
    expect(rows).toEqual([
      { id: 'a', n: 42, x: 0.5, flag: true, note: null },
      { id: "b'--", n: 9_007_199_254_740_991, x: -1.25, flag: false, note: '$2' },
    ]);
  });

  it('computes window statistics from the stored rows', async () => {
    const store = await openStore(engine);
    const records: LogRecord[] = [
      makeRecord({ request_id: 'w1', ts_start: NOW - 4_000, ts_end: NOW - 1_000, ttft_ms: 100, cache_state: 'warm', cached_input_tokens: 50 }),
      makeRecord({ request_id: 'w2', ts_start: NOW - 3_000, ts_end: NOW - 500, ttft_ms: 300, cache_state: 'warm' }),
      makeRecord({ request_id: 'w3', ts_start: NOW - 20_000, ts_end: NOW - 12_000, ttft_ms: null, error_class: 'server', status: 500, price_usd: 0 }),
      makeRecord({ request_id: 'old', ts_end: NOW - 400_000 }),
    ];
    await store.append('w', records);
    const [stats] = await store.windowStats(NOW - 300_000, NOW);
    expect(stats).toMatchObject({
      channel_id: 'acme-east', requests: 3, successes: 2, errors_server: 1, last_ts: NOW - 500,
      recent_attempts: 3, recent_failures: 1, failure_streak: 0, warm_attempts: 2, warm_cache_hits: 1,
    });
    expect(stats!.ttft_p50_ms).toBeCloseTo(100, -1);
    expect(stats!.ttft_p90_ms).toBeCloseTo(300, -1);
    expect(stats!.cached_ttft_p50_ms).toBeCloseTo(100, -1);
    // w1 spends 3 s and w2 2.5 s inside the last 10 s; w3 ended before them.
    expect(stats!.in_flight).toBeCloseTo(0.55, 10);
  });
});

/** Records on a few channels, with failures, caches, hedges, replays and ties in time. */
const recordArbitrary = fc.record({
  request: fc.integer({ min: 0, max: 40 }),
  attempt: fc.integer({ min: 1, max: 3 }),
  channel: fc.constantFrom('a', 'b', 'c'),
  endOffset: fc.integer({ min: 0, max: 120_000 }),
  duration: fc.integer({ min: 0, max: 30_000 }),
  ttft: fc.option(fc.integer({ min: 0, max: 20_000 }).map((ms) => ms / 10)),
  errorClass: fc.constantFrom('none', 'none', 'none', 'server', 'rate_limit', 'timeout', 'cancelled', 'client'),
  output: fc.integer({ min: 0, max: 2_000 }),
  cached: fc.constantFrom(0, 0, 100),
  cacheState: fc.constantFrom(undefined, null, 'warm', 'cold'),
  price: fc.constantFrom(0, 0.0000000025, 0.0000000035, 0.001, 0.1234567891234, 1 / 3),
}).map((value): LogRecord => makeRecord({
  request_id: `r${value.request}`,
  attempt: value.attempt,
  channel_id: value.channel,
  user_id: `u${value.request % 3}`,
  ts_end: NOW - value.endOffset,
  ts_start: NOW - value.endOffset - value.duration,
  duration_ms: value.duration,
  ttft_ms: value.ttft,
  error_class: value.errorClass as LogRecord['error_class'],
  output_tokens: value.output,
  cached_input_tokens: value.cached,
  cache_state: value.cacheState as LogRecord['cache_state'],
  price_usd: value.price,
  final: value.errorClass === 'none',
}));

describe('both stores agree', () => {
  it('on window statistics and the ledger, for any records in any batches', async () => {
    const duck = await openStore('duckdb');
    const click = await openStore('chdb');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(recordArbitrary, { maxLength: 30 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1_000, max: 130_000 }), async (batches, windowMs) => {
        // Each run in its own stretch of time and its own requests: runs never see each other's windows.
        run += 1;
        const shift = run * 1_000_000_000;
        // A replayed record is the same record (the worker sends one record per attempt): the first version of a key stands for every copy.
        const versions = new Map<string, LogRecord>();
        for (const [index, batch] of batches.entries()) {
          const shifted = batch.map((generated) => {
            const record = { ...generated, request_id: `${run}-${generated.request_id}`, ts_start: generated.ts_start + shift, ts_end: generated.ts_end + shift };
            const key = `${record.request_id}#${record.attempt}`;
            if (!versions.has(key)) versions.set(key, record);
            return versions.get(key)!;
          });
          await duck.append(`${run}-${index}`, shifted);
          await click.append(`${run}-${index}`, shifted);
        }
        const now = NOW + shift;
        expect(await click.windowStats(now - windowMs, now + 1)).toEqual(await duck.windowStats(now - windowMs, now + 1));
        const ledgers = await Promise.all([duck, click].map(async (store) => {
          const ledger = await createLedger({ store, send: null, now: () => now });
          await ledger.run();
          return ledger.summary();
        }));
        expect(ledgers[1]).toEqual(ledgers[0]);
      }),
      { numRuns: 25 },
    );
  }, 180_000);
});
