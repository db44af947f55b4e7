// The isolate's score snapshot (issue 11, low-rate tail): a due refresh reads D1 in the
// background, so no request waits for it; only a cold isolate waits for its first read.
import { describe, expect, it } from 'vitest';
import type { ScoreTable } from '../core/types';
import { ScoreStore, type StoredScoreRow } from './score-store';

const database = {} as D1Database;

function row(version: number): StoredScoreRow {
  const table: ScoreTable = { version, computed_at: version, window_s: 60, entries: [] };
  return { version, received_at: version, body: JSON.stringify(table) };
}

/** A D1 whose reads finish only when the test says so. */
function slowReader() {
  const pending: Array<() => void> = [];
  let version = 1;
  let reads = 0;
  const read = () => {
    reads++;
    const answer = row(version);
    return new Promise<StoredScoreRow | undefined>((resolve) => pending.push(() => resolve(answer)));
  };
  return { read, reads: () => reads, publish: (next: number) => (version = next), finishAll: () => pending.splice(0).forEach((finish) => finish()) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('ScoreStore', () => {
  it('a cold isolate waits for its first read', async () => {
    const reader = slowReader();
    const store = new ScoreStore(1_000, reader.read);
    const first = store.get(database, 10_000);
    reader.finishAll();
    expect((await first).table?.version).toBe(1);
  });

  it('routes on the snapshot it has while a due refresh reads D1 in the background', async () => {
    const reader = slowReader();
    const store = new ScoreStore(1_000, reader.read);
    const first = store.get(database, 10_000);
    reader.finishAll();
    await first;

    reader.publish(2);
    const kept: Array<Promise<unknown>> = [];
    const during = Promise.all(Array.from({ length: 10 }, () => store.get(database, 11_500, (promise) => kept.push(promise))));
    // The read has not finished: nobody may be waiting for it.
    const snapshots = await Promise.race([during, sleep(200).then(() => 'waited for D1' as const)]);
    expect(snapshots).not.toBe('waited for D1');
    expect(reader.reads()).toBe(2);
    expect(kept).toHaveLength(1);
    for (const snapshot of snapshots as Array<{ table: ScoreTable | null }>) expect(snapshot.table?.version).toBe(1);

    reader.finishAll();
    await Promise.all(kept);
    expect((await store.get(database, 11_600)).table?.version).toBe(2);
  });

  it('keeps the snapshot when a background read fails', async () => {
    let failing = false;
    const store = new ScoreStore(1_000, async () => {
      if (failing) throw new Error('D1 unreachable');
      return row(3);
    });
    expect((await store.get(database, 10_000)).table?.version).toBe(3);
    failing = true;
    const kept: Array<Promise<unknown>> = [];
    expect((await store.get(database, 11_500, (promise) => kept.push(promise))).table?.version).toBe(3);
    await Promise.all(kept);
    expect((await store.get(database, 11_600)).table?.version).toBe(3);
  });
});

describe('scoreTableSchema', () => {
  it('keeps the fields newer nodes push (p90, cache behaviour, cluster load) and accepts pushes without them', async () => {
    const { scoreTableSchema } = await import('./score-store');
    const entry = {
      channel_id: 'c1',
      model: 'm1',
      success_p: 0.99,
      ttft_p50_ms: 200,
      ttft_p95_ms: 600,
      tokens_per_s: 80,
      error_mix: { rate_limit: 0, server: 0, timeout: 0, connection: 0 },
      samples: 50,
      last_ts: 1,
      down: false,
    };
    const newer = { ...entry, ttft_p90_ms: 450, cache_hit_rate: 0.8, cached_ttft_p50_ms: 90, in_flight: 3.5 };
    const parsed = scoreTableSchema.parse({ version: 1, computed_at: 1, window_s: 60, entries: [newer, entry] });
    expect(parsed.entries[0]).toMatchObject({ ttft_p90_ms: 450, cache_hit_rate: 0.8, cached_ttft_p50_ms: 90, in_flight: 3.5 });
    expect(parsed.entries[1]).not.toHaveProperty('ttft_p90_ms');
    expect(scoreTableSchema.safeParse({ version: 1, computed_at: 1, window_s: 60, entries: [{ ...entry, cache_hit_rate: 2 }] }).success).toBe(false);
  });
});
