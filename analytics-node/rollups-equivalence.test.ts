// The lone node's in-memory rollups and the store's window statistics (what a cluster's
// leader scores from) must be the same function of the same records: random records go to
// both, on DuckDB and on ClickHouse (chdb), and every statistic must come out equal,
// including issue 14's warm attempts and hits, cached TTFT and in-flight load. A restart's
// rebuild from the store must give the same numbers again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ErrorClass, LogRecord, WindowStats } from '../worker/core/types';
import type { LogStore } from './log-store';
import { rebuildRollups } from './queries';
import { WindowRollups } from './rollups';
import { openLogStore } from './store/open-store';
import { makeRecord } from './test-support';

const NOW = 1_800_000_000_437; // not on a second: the window's end is NOW + 1, its start a whole second
const WINDOW_S = 60;
const folder = mkdtempSync(path.join(tmpdir(), 'rollups-equivalence-'));
const chdbAvailable = await import('chdb').then(() => true, () => false);
const stores: LogStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  rmSync(folder, { recursive: true, force: true });
});

const ERROR_CLASSES: ErrorClass[] = ['none', 'none', 'none', 'rate_limit', 'server', 'timeout', 'connection', 'client', 'mid_stream', 'cancelled'];

const attemptArbitrary = fc.record({
  channel: fc.constantFrom('east', 'west'),
  model: fc.constantFrom('m1', 'm2'),
  // Some before the window (ignored by both), many in the last 10 s (in_flight), ties on ts_end.
  endOffset: fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 12_000 }), fc.constantFrom(0, 0, 5, 9_999, 10_000)),
  duration: fc.oneof(fc.integer({ min: 0, max: 30_000 }), fc.constantFrom(0, 1)),
  ttft: fc.option(fc.integer({ min: 0, max: 4_000 }), { nil: null }),
  errorClass: fc.constantFrom(...ERROR_CLASSES),
  stream: fc.boolean(),
  outputTokens: fc.constantFrom(0, 1, 17, 250),
  cachedTokens: fc.constantFrom(0, 0, 1, 900),
  cacheState: fc.constantFrom(undefined, null, 'warm', 'warm', 'cold'),
});

interface Attempt {
  channel: string;
  model: string;
  endOffset: number;
  duration: number;
  ttft: number | null;
  errorClass: ErrorClass;
  stream: boolean;
  outputTokens: number;
  cachedTokens: number;
  cacheState: 'warm' | 'cold' | null | undefined;
}

function recordsOf(prefix: string, attempts: readonly Attempt[]): LogRecord[] {
  return attempts.map((attempt, index) => {
    const ts_end = NOW - attempt.endOffset;
    const ttft = attempt.ttft === null ? null : Math.min(attempt.ttft, attempt.duration);
    const record = makeRecord({
      request_id: `${prefix}-r${index % 7 === 3 ? index - 1 : index}`, // a few requests with two attempts
      attempt: index % 7 === 3 ? 2 : 1,
      channel_id: `${prefix}-${attempt.channel}`,
      model: attempt.model,
      ts_end,
      ts_start: ts_end - attempt.duration,
      duration_ms: attempt.duration,
      ttft_ms: ttft,
      error_class: attempt.errorClass,
      stream: attempt.stream,
      output_tokens: attempt.outputTokens,
      cached_input_tokens: attempt.cachedTokens,
    });
    if (attempt.cacheState !== undefined) record.cache_state = attempt.cacheState;
    return record;
  });
}

async function storeOn(engine: 'duckdb' | 'chdb'): Promise<LogStore> {
  const store = await openLogStore(engine === 'duckdb' ? `duckdb:${path.join(folder, 'equivalence.duckdb')}` : `chdb:${path.join(folder, 'chdb')}?database=rollups_equivalence`);
  stores.push(store);
  return store;
}

/** The store's statistics over the window a lone node's snapshot covers (cluster/score-source.ts). */
async function fromStore(store: LogStore, prefix: string): Promise<WindowStats[]> {
  const fromMs = (Math.floor(NOW / 1000) - WINDOW_S + 1) * 1000;
  const all = await store.windowStats(fromMs, NOW + 1);
  return all.filter((row) => row.channel_id.startsWith(`${prefix}-`));
}

describe.each([
  { engine: 'duckdb' as const, skip: false },
  { engine: 'chdb' as const, skip: !chdbAvailable },
])('rollups and $engine window statistics', ({ engine, skip }) => {
  it.skipIf(skip)('agree on every statistic for the same records', async () => {
    const store = await storeOn(engine);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(attemptArbitrary, { minLength: 1, maxLength: 60 }), fc.boolean(), async (attempts, reversed) => {
        run += 1;
        const prefix = `${engine}${run}`;
        const records = recordsOf(prefix, attempts);
        const rollups = new WindowRollups({ windowS: WINDOW_S });
        // Arrival order must not matter (ties on ts_end are broken by request id and attempt).
        for (const record of reversed ? [...records].reverse() : records) rollups.add(record, NOW);
        await store.ingest(records);
        expect(rollups.snapshot(NOW)).toEqual(await fromStore(store, prefix));
      }),
      { numRuns: engine === 'duckdb' ? 60 : 25, seed: 1415 },
    );
  }, 120_000);

  it.skipIf(skip)('break ties on ts_end by request id and attempt, whatever the arrival order', async () => {
    const store = await storeOn(engine);
    const prefix = `${engine}-ties`;
    const base = { channel_id: `${prefix}-east`, ts_end: NOW - 50 };
    const records = [
      makeRecord({ ...base, request_id: 'b', error_class: 'server' }),
      makeRecord({ ...base, request_id: 'c', error_class: 'none' }),
      makeRecord({ ...base, request_id: 'a', error_class: 'timeout' }),
      makeRecord({ ...base, request_id: 'c', attempt: 2, error_class: 'server' }),
    ];
    const rollups = new WindowRollups({ windowS: WINDOW_S, recentSize: 10 });
    for (const record of records) rollups.add(record, NOW);
    await store.ingest(records);
    const [stats] = await fromStore(store, prefix);
    expect(stats).toMatchObject({ failure_streak: 1, recent_attempts: 4, recent_failures: 3 });
    expect(rollups.snapshot(NOW)).toEqual([stats]);
  });

  it.skipIf(skip)('gives the same statistics again after a restart rebuilds the rollups from the store', async () => {
    const store = await storeOn(engine);
    const prefix = `${engine}-rebuilt`;
    // Distinct ts_end: queries.ts's rebuild of the newest attempts breaks ties by ts_end only.
    const attempts = Array.from({ length: 80 }, (_, index): Attempt => ({
      channel: index % 3 === 0 ? 'east' : 'west',
      model: 'm1',
      endOffset: index * 137,
      duration: 400 + ((index * 911) % 9_000),
      ttft: index % 5 === 0 ? null : 50 + ((index * 37) % 900),
      errorClass: ERROR_CLASSES[index % ERROR_CLASSES.length]!,
      stream: index % 4 !== 0,
      outputTokens: (index % 3) * 40,
      cachedTokens: index % 2 === 0 ? 512 : 0,
      cacheState: index % 3 === 1 ? 'cold' : 'warm',
    }));
    const records = recordsOf(prefix, attempts);
    await store.ingest(records);
    const rebuilt = new WindowRollups({ windowS: WINDOW_S });
    // rebuildRollups restores the cache and concurrency slots too (rollups-rebuild.ts).
    await rebuildRollups(store, rebuilt, NOW);
    const expected = await fromStore(store, prefix);
    expect(expected.some((row) => (row.warm_cache_hits ?? 0) > 0 && (row.in_flight ?? 0) > 0 && row.cached_ttft_p50_ms !== null)).toBe(true);
    expect(rebuilt.snapshot(NOW).filter((row) => row.channel_id.startsWith(`${prefix}-`))).toEqual(expected);
  }, 60_000);
});
