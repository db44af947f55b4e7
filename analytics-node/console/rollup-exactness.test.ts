// The rollup-backed answers equal the raw log's, exactly (money to the last digit), over
// random attempts stored through the real ingest path: ranges with millisecond edges inside
// minutes, hours and days, late records folded into old buckets, and replayed batches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBValue } from '@duckdb/node-api';
import type { LogRecord } from '../../worker/core/types';
import { TTFT_HISTOGRAM, bucketSql, histogramQuantile } from '../histogram';
import { openLogStore, type LogStore } from '../log-store';
import { makeRecord, temporaryDirectory } from '../test-support';
import { economics } from './economics-queries';
import { chdbTestStore, directStore } from './test-store';
import { consoleSql } from './console-sql';
import { filterSql, type LogFilter } from './log-filters';
import { logHistogram, logTotals } from './log-queries';
import { keyUse, spendSummary, usageReport, zonedMidnight } from './user-queries';

const T0 = Date.UTC(2026, 10, 20, 22, 37, 13, 456);
const SPAN = 52 * 3_600_000;
const CHANNELS = ['c-a', 'c-b', 'c-c'];
const MODELS = ['m-1', 'm-2'];
const USERS = ['u-1', 'u-2', 'u-3'];
const ERRORS = ['none', 'none', 'none', 'server', 'rate_limit'] as const;

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(13);
const pick = <T,>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;

function attempt(index: number, tsStart: number): LogRecord {
  const user = pick(USERS);
  const errorClass = pick(ERRORS);
  return makeRecord({
    request_id: `r-${index}`, attempt: 1 + (index % 2), ts_start: tsStart, ts_end: tsStart + Math.floor(next() * 5000),
    user_id: user, key_id: `${user}-k${Math.floor(next() * 2)}`, channel_id: pick(CHANNELS), model: pick(MODELS),
    error_class: errorClass, status: errorClass === 'none' ? 200 : errorClass === 'server' ? 502 : 429, stream: next() < 0.5, final: next() < 0.7,
    input_tokens: Math.floor(next() * 3000), output_tokens: Math.floor(next() * 900), cached_input_tokens: Math.floor(next() * 500),
    ttft_ms: next() < 0.1 ? null : 50 + next() * 2000,
    // Amounts with many digits, the kind a double sum gets wrong in the last place.
    cost_usd: Math.floor(next() * 1e7) / 1e9 + 1 / 3e6, price_usd: Math.floor(next() * 2e7) / 1e9 + 1 / 7e6,
  });
}

let temporary: ReturnType<typeof temporaryDirectory>;
let store: LogStore;
const records = Array.from({ length: 3000 }, (_, index) => attempt(index, T0 - SPAN + Math.floor(next() * SPAN)));
const newestFirst = [...records].sort((a, b) => b.ts_start - a.ts_start);

/**
 * Newest first, then the older ones late (folded into buckets that already have rows). The
 * node's store (writer thread) dedupes, so it also gets replayed batches; it folds about once
 * a second, so most rows are still pending. The direct store folds and merges at every batch.
 */
const STORES = {
  'the node (writer thread, replays, rows pending)': async (path: string) => {
    const opened = await openLogStore(path);
    for (let start = 0; start < newestFirst.length; start += 250) {
      const batch = newestFirst.slice(start, start + 250);
      await opened.ingest(batch);
      if (start % 1000 === 0) expect((await opened.ingest(batch)).stored).toEqual([]); // a replayed batch stores nothing
    }
    await opened.ingest([...newestFirst.slice(0, 40), attempt(99_999, T0 - 3_600_000)]); // a partly replayed batch
    return opened;
  },
  'the direct store (folded and merged at every batch)': async (path: string) => {
    const opened = await directStore(path);
    for (let start = 0; start < newestFirst.length; start += 250) await opened.ingest(newestFirst.slice(start, start + 250));
    return opened;
  },
  'the node on ClickHouse in-process (chdb; replays, and records stored twice as by two nodes)': async (path: string) => {
    const opened = await chdbTestStore(path);
    for (let start = 0; start < newestFirst.length; start += 250) {
      const batch = newestFirst.slice(start, start + 250);
      await opened.ingest(batch);
      if (start % 1000 === 0) {
        expect((await opened.ingest(batch)).stored).toEqual([]); // a replayed batch stores nothing
        // Two nodes storing the same batch at once each find its keys absent: copies that the
        // ReplacingMergeTree collapses only at a merge, so the answers must read the log FINAL.
        const ids = batch.map((record) => `'${record.request_id}'`).join(', ');
        // (Another node's insert carries its own token; chdb's session keeps the last one set.)
        await opened.write(`INSERT INTO log SELECT * FROM log WHERE request_id IN (${ids}) SETTINGS insert_deduplication_token = 'second-node-${start}'`);
      }
    }
    return opened;
  },
};

/** The raw log's answer, with the same exact sums (each amount as DECIMAL(38,12)). */
async function raw<Row>(select: string, filter: LogFilter, group = ''): Promise<Row[]> {
  const { where, values } = filterSql(filter);
  const db = consoleSql(store);
  return db.query<Row>(`SELECT ${select} FROM ${db.log} WHERE ${where} ${group}`, values as DuckDBValue[]);
}
/** Each amount as the store's exact DECIMAL(38,12), summed. */
const money = (column: string) => `coalesce(sum(${consoleSql(store).money(column)}), 0)::DOUBLE`;

const ranges: [number | undefined, number | undefined][] = [
  [undefined, undefined],
  [T0 - 30 * 3_600_000 + 12_345, T0 - 123],
  [T0 - 49 * 3_600_000 - 59_999, T0 - 26 * 3_600_000 + 1], // across a UTC midnight, edges inside minutes
  [T0 - 5 * 3_600_000 + 30_000, T0 - 5 * 3_600_000 + 90_000], // one partial minute pair
  [Date.UTC(2026, 10, 20), Date.UTC(2026, 10, 20, 5)], // whole buckets only
  [T0 - 40 * 3_600_000 + 777, undefined],
];

describe.each(Object.entries(STORES))('rollup-backed answers equal the raw log: %s', (_name, open) => {
  beforeAll(async () => {
    temporary = temporaryDirectory();
    store = await open(temporary.dbPath);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    temporary.remove();
  });


  it('economics by channel, model, user and key', async () => {
    const prices = new Map([['m-1', { input_per_mtok: 0.15, cached_input_per_mtok: 0.075 }], ['m-2', { input_per_mtok: 3, cached_input_per_mtok: 0.3 }]]);
    for (const [from = T0 - 60 * 3_600_000, to = T0 + 1] of ranges) {
      for (const by of ['channel', 'model', 'user', 'key'] as const) {
        const report = await economics(store, by, from, to, prices);
        const column = { channel: 'channel_id', model: 'model', user: 'user_id', key: 'key_id' }[by];
        const expected = await raw<{ key: string; requests: number; revenue: number; cost: number; cached: number }>(
          `${column} AS key, count(*) FILTER (WHERE final)::DOUBLE AS requests, ${money('price_usd')} AS revenue, ${money('cost_usd')} AS cost,
           coalesce(sum(cached_input_tokens) FILTER (WHERE final), 0)::DOUBLE AS cached`,
          { from, to }, 'GROUP BY ALL ORDER BY key',
        );
        const got = [...report.groups].sort((a, b) => (a.key < b.key ? -1 : 1));
        expect(got.map(({ key, requests, revenue_usd, cost_usd, cached_input_tokens }) => ({ key, requests, revenue: revenue_usd, cost: cost_usd, cached: cached_input_tokens }))).toEqual(expected);
        const [total] = await raw<{ revenue: number; cost: number }>(`${money('price_usd')} AS revenue, ${money('cost_usd')} AS cost`, { from, to });
        expect([report.totals.revenue_usd, report.totals.cost_usd]).toEqual([total!.revenue, total!.cost]);
        expect(report.totals.cache_savings_usd).toBeCloseTo(report.groups.reduce((sum, group) => sum + group.cache_savings_usd!, 0), 9);
      }
    }
  });

  it('log totals and histograms under every kind of filter (rollup or raw)', async () => {
    const filters: LogFilter[] = [{}, { channel: 'c-b' }, { channel: 'c-a', status: 'error' }, { model: 'm-2', final: true, stream: false }, { user: 'u-2' }, { key: 'u-3-k1', model: 'm-1' }, { user: 'u-1', channel: 'c-c' }, { status: 429 }];
    for (const [from, to] of ranges) {
      for (const base of filters) {
        const filter = { ...base, from, to };
        const [expected] = await raw<Record<string, number>>(
          `count(*)::DOUBLE AS attempts, count(*) FILTER (WHERE final)::DOUBLE AS requests, count(*) FILTER (WHERE error_class <> 'none')::DOUBLE AS errors,
           coalesce(sum(input_tokens), 0)::DOUBLE AS input_tokens, coalesce(sum(output_tokens), 0)::DOUBLE AS output_tokens,
           coalesce(sum(cached_input_tokens), 0)::DOUBLE AS cached_input_tokens, ${money('cost_usd')} AS cost_usd, ${money('price_usd')} AS revenue_usd`,
          filter,
        );
        expect(await logTotals(store, filter)).toEqual(expected);
        const histogram = await logHistogram(store, filter, 7, T0 + 1);
        const [origin, width] = [histogram.from, histogram.bucket_ms];
        const rows = await raw<{ slot: number; attempts: number; errors: number }>(
          `${consoleSql(store).intDiv(`ts_start - ${origin}`, String(width))}::DOUBLE AS slot, count(*)::DOUBLE AS attempts, count(*) FILTER (WHERE error_class <> 'none')::DOUBLE AS errors`,
          { ...filter, from: from ?? undefined, to: to ?? T0 + 1 }, 'GROUP BY ALL',
        );
        const buckets = histogram.buckets.map((bucket) => ({ ...bucket, attempts: 0, errors: 0 }));
        for (const row of rows) Object.assign(buckets[row.slot]!, { attempts: row.attempts, errors: row.errors });
        expect(histogram.buckets).toEqual(buckets);
      }
    }
  });

  it("the user's usage by day in whole-hour and half-hour zones, by model and key, spend, TTFT and keys", async () => {
    for (const tz of ['Europe/Paris', 'Asia/Kolkata', 'UTC']) {
      for (const user of USERS) {
        for (const by of ['day', 'model', 'key'] as const) {
          const report = await usageReport(store, user, by, T0 - 45 * 3_600_000 + 4321, T0 - 1000, tz);
          const group = by === 'day' ? consoleSql(store).localDay('ts_start', `'${tz}'`) : by === 'model' ? 'model' : 'key_id';
          const expected = await raw<Record<string, unknown>>(
            `${group} AS key, count(*) FILTER (WHERE final)::DOUBLE AS requests, coalesce(sum(input_tokens) FILTER (WHERE final), 0)::DOUBLE AS input_tokens,
             coalesce(sum(cached_input_tokens) FILTER (WHERE final), 0)::DOUBLE AS cached_input_tokens,
             coalesce(sum(output_tokens) FILTER (WHERE final), 0)::DOUBLE AS output_tokens, ${money('price_usd')} AS spend_usd`,
            { user, from: T0 - 45 * 3_600_000 + 4321, to: T0 - 1000 }, 'GROUP BY 1 ORDER BY 1',
          );
          expect(report.groups).toEqual(expected);
        }
        const summary = await spendSummary(store, user, tz, T0);
        const today = zonedMidnight(new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(T0), tz);
        const [spend] = await raw<{ today: number; burn7: number }>(`${money('price_usd')} AS today`, { user, from: today });
        expect(summary.today).toBe(spend!.today);
        const [week] = await raw<{ burn7: number }>(`${money('price_usd')} AS burn7`, { user, from: T0 - 7 * 86_400_000 });
        expect(summary.burn7).toBe(week!.burn7);
        const ttft = await raw<{ bucket: number; n: number }>(`${bucketSql('ttft_ms', TTFT_HISTOGRAM)}::DOUBLE AS bucket, count(*)::DOUBLE AS n`, { user, from: T0 - 7 * 86_400_000, final: true }, 'AND ttft_ms IS NOT NULL GROUP BY ALL');
        const counts = new Array<number>(TTFT_HISTOGRAM.buckets).fill(0);
        for (const row of ttft) counts[row.bucket] = row.n;
        const p95 = histogramQuantile(counts, ttft.reduce((sum, row) => sum + row.n, 0), 0.95, TTFT_HISTOGRAM);
        expect(summary.ttft_p95_ms).toBe(p95 === null ? null : Math.round(p95 * 10) / 10);
      }
    }
    for (const user of USERS) {
      const use = await keyUse(store, user, T0 - 20 * 3_600_000 - 5);
      const expected = await raw<{ key_id: string; spend: number; last: number }>(`key_id, coalesce(sum(${consoleSql(store).money('price_usd')}) FILTER (WHERE ts_start >= ${T0 - 20 * 3_600_000 - 5}), 0)::DOUBLE AS spend, max(ts_start)::DOUBLE AS last`, { user }, 'GROUP BY ALL');
      expect(expected.length).toBeGreaterThan(0);
      for (const row of expected) expect(use.get(row.key_id)).toEqual({ spend: row.spend, lastUsedAt: row.last });
    }
  });
});
