// In-memory window statistics per channel × model, maintained at ingest so that a score
// recompute costs O(pairs × buckets), not O(rows). Pure: no I/O, the clock is passed in.
//
// Per pair: a ring of one-second slots (counts and sparse histogram contributions) and
// running window totals; a slot's contribution is subtracted when it leaves the window.
// Plus the newest few attempts, for fast outage detection.
import type { WindowStats } from '../worker/core/types';
import {
  TOKENS_PER_S_HISTOGRAM,
  TTFT_HISTOGRAM,
  bucketOf,
  histogramQuantile,
  type HistogramSpec,
} from './histogram';
import {
  countsAsRecentAttempt,
  errorCounterOf,
  generationTokensPerSecond,
  isChannelFailure,
  type OutcomeSample,
} from './outcome';

export type HistogramKind = 'ttft' | 'tokens_per_s';
const SPECS: Record<HistogramKind, HistogramSpec> = {
  ttft: TTFT_HISTOGRAM,
  tokens_per_s: TOKENS_PER_S_HISTOGRAM,
};

export interface SlotCounts {
  requests: number;
  successes: number;
  rate_limit: number;
  server: number;
  timeout: number;
  connection: number;
  other: number;
  /** Epoch ms of the newest record counted in the slot. */
  last_ts: number;
}

export interface RollupOptions {
  windowS: number;
  /** How many of the newest attempts `recent_*` counts over. */
  recentSize?: number;
}

interface Slot {
  second: number; // -1: empty
  counts: SlotCounts;
  histograms: Record<HistogramKind, Map<number, number>>;
}

interface RecentAttempt {
  ts_end: number;
  failed: boolean;
}

interface PairRollup {
  channel_id: string;
  model: string;
  slots: Slot[];
  totals: SlotCounts;
  histograms: Record<HistogramKind, Float64Array>;
  histogramTotals: Record<HistogramKind, number>;
  /** Newest first. */
  recent: RecentAttempt[];
  /** Every second up to this one has been subtracted from the totals. */
  expiredThrough: number;
}

const COUNTERS = ['requests', 'successes', 'rate_limit', 'server', 'timeout', 'connection', 'other'] as const;

function emptyCounts(): SlotCounts {
  return { requests: 0, successes: 0, rate_limit: 0, server: 0, timeout: 0, connection: 0, other: 0, last_ts: 0 };
}

function emptySlot(): Slot {
  return { second: -1, counts: emptyCounts(), histograms: { ttft: new Map(), tokens_per_s: new Map() } };
}

export class WindowRollups {
  readonly windowS: number;
  readonly recentSize: number;
  /** channel → model → rollup */
  private readonly pairs = new Map<string, Map<string, PairRollup>>();

  constructor(options: RollupOptions) {
    if (!Number.isInteger(options.windowS) || options.windowS < 1) throw new Error('windowS must be a positive integer');
    this.windowS = options.windowS;
    this.recentSize = options.recentSize ?? 10;
  }

  /** Count one attempt. Attempts older than the window are ignored; future ones count as now. */
  add(sample: OutcomeSample, nowMs: number): void {
    const nowSecond = Math.floor(nowMs / 1000);
    const second = Math.min(Math.floor(sample.ts_end / 1000), nowSecond);
    if (second <= nowSecond - this.windowS) return;
    const pair = this.pairFor(sample.channel_id, sample.model);
    const slot = this.slotIn(pair, second, nowSecond);
    const counter = errorCounterOf(sample.error_class);
    const key = counter === null ? 'successes' : counter;
    slot.counts.requests += 1;
    pair.totals.requests += 1;
    slot.counts[key] += 1;
    pair.totals[key] += 1;
    if (sample.ts_end > slot.counts.last_ts) slot.counts.last_ts = sample.ts_end;
    if (sample.ttft_ms !== null) bump(pair, slot, 'ttft', bucketOf(sample.ttft_ms, TTFT_HISTOGRAM), 1);
    const tokensPerSecond = generationTokensPerSecond(sample);
    if (tokensPerSecond !== null) {
      bump(pair, slot, 'tokens_per_s', bucketOf(tokensPerSecond, TOKENS_PER_S_HISTOGRAM), 1);
    }
    if (countsAsRecentAttempt(sample.error_class)) {
      this.pushRecent(pair, sample.ts_end, isChannelFailure(sample.error_class));
    }
  }

  /** Add pre-aggregated counts for one second (start-up rebuild). `second` is epoch seconds. */
  addCounts(channelId: string, model: string, second: number, counts: SlotCounts, nowMs: number): void {
    const slot = this.slotFor(channelId, model, second, nowMs);
    if (slot === null) return;
    const [pair, target] = slot;
    for (const key of COUNTERS) {
      target.counts[key] += counts[key];
      pair.totals[key] += counts[key];
    }
    target.counts.last_ts = Math.max(target.counts.last_ts, counts.last_ts);
  }

  /** Add `count` values that fell in `bucket` during one second (start-up rebuild). */
  addHistogram(
    kind: HistogramKind,
    channelId: string,
    model: string,
    second: number,
    bucket: number,
    count: number,
    nowMs: number,
  ): void {
    const slot = this.slotFor(channelId, model, second, nowMs);
    if (slot === null) return;
    const [pair, target] = slot;
    bump(pair, target, kind, Math.max(0, Math.min(SPECS[kind].buckets - 1, bucket)), count);
  }

  /** Record one attempt among the newest of its pair (start-up rebuild feeds these too). */
  addRecent(channelId: string, model: string, tsEnd: number, failed: boolean, nowMs: number): void {
    if (this.secondOf(tsEnd, nowMs) === null) return;
    this.pushRecent(this.pairFor(channelId, model), tsEnd, failed);
  }

  private pushRecent(pair: PairRollup, tsEnd: number, failed: boolean): void {
    const recent = pair.recent;
    if (recent.length >= this.recentSize && tsEnd < recent[recent.length - 1]!.ts_end) return;
    let index = recent.findIndex((attempt) => attempt.ts_end <= tsEnd);
    if (index === -1) index = recent.length;
    recent.splice(index, 0, { ts_end: tsEnd, failed });
    if (recent.length > this.recentSize) recent.pop();
  }

  /** Statistics per pair with at least one request in the window, ordered by channel and model. */
  snapshot(nowMs: number): WindowStats[] {
    const nowSecond = Math.floor(nowMs / 1000);
    const cutoffMs = (nowSecond - this.windowS + 1) * 1000;
    const result: WindowStats[] = [];
    for (const [channelId, models] of this.pairs) {
      for (const [model, pair] of models) {
        this.expire(pair, nowSecond);
        if (pair.totals.requests === 0) {
          pair.recent = pair.recent.filter((attempt) => attempt.ts_end >= cutoffMs);
          if (pair.recent.length === 0) models.delete(model);
          continue;
        }
        result.push(this.statsOf(pair, cutoffMs));
      }
      if (models.size === 0) this.pairs.delete(channelId);
    }
    return result.sort(
      (a, b) => compareText(a.channel_id, b.channel_id) || compareText(a.model, b.model),
    );
  }

  private statsOf(pair: PairRollup, cutoffMs: number): WindowStats {
    let lastTs = 0;
    for (const slot of pair.slots) if (slot.second !== -1) lastTs = Math.max(lastTs, slot.counts.last_ts);
    const recent = pair.recent.filter((attempt) => attempt.ts_end >= cutoffMs);
    const quantile = (kind: HistogramKind, q: number) =>
      roundTo(histogramQuantile(pair.histograms[kind], pair.histogramTotals[kind], q, SPECS[kind]), 1);
    return {
      channel_id: pair.channel_id,
      model: pair.model,
      requests: pair.totals.requests,
      successes: pair.totals.successes,
      errors_rate_limit: pair.totals.rate_limit,
      errors_server: pair.totals.server,
      errors_timeout: pair.totals.timeout,
      errors_connection: pair.totals.connection,
      errors_other: pair.totals.other,
      ttft_p50_ms: quantile('ttft', 0.5),
      ttft_p95_ms: quantile('ttft', 0.95),
      ttft_p90_ms: quantile('ttft', 0.9),
      tokens_per_s: quantile('tokens_per_s', 0.5),
      last_ts: lastTs,
      recent_failures: recent.filter((attempt) => attempt.failed).length,
      recent_attempts: recent.length,
      failure_streak: leadingFailures(recent),
    };
  }

  /** The window second a timestamp counts in, or null when it is already outside the window. */
  private secondOf(tsMs: number, nowMs: number): number | null {
    const nowSecond = Math.floor(nowMs / 1000);
    const second = Math.min(Math.floor(tsMs / 1000), nowSecond);
    return second > nowSecond - this.windowS ? second : null;
  }

  private slotFor(channelId: string, model: string, second: number, nowMs: number): [PairRollup, Slot] | null {
    const nowSecond = Math.floor(nowMs / 1000);
    const clamped = Math.min(second, nowSecond);
    if (clamped <= nowSecond - this.windowS) return null;
    const pair = this.pairFor(channelId, model);
    return [pair, this.slotIn(pair, clamped, nowSecond)];
  }

  /** The slot of an in-window `second`, emptied first if it still holds an older second. */
  private slotIn(pair: PairRollup, second: number, nowSecond: number): Slot {
    this.expire(pair, nowSecond);
    const slot = pair.slots[second % this.windowS]!;
    if (slot.second !== second) {
      if (slot.second !== -1) this.subtract(pair, slot);
      slot.second = second;
    }
    return slot;
  }

  private pairFor(channelId: string, model: string): PairRollup {
    let models = this.pairs.get(channelId);
    if (models === undefined) {
      models = new Map();
      this.pairs.set(channelId, models);
    }
    let pair = models.get(model);
    if (pair === undefined) {
      pair = {
        channel_id: channelId,
        model,
        slots: Array.from({ length: this.windowS }, emptySlot),
        totals: emptyCounts(),
        histograms: {
          ttft: new Float64Array(TTFT_HISTOGRAM.buckets),
          tokens_per_s: new Float64Array(TOKENS_PER_S_HISTOGRAM.buckets),
        },
        histogramTotals: { ttft: 0, tokens_per_s: 0 },
        recent: [],
        expiredThrough: -Infinity,
      };
      models.set(model, pair);
    }
    return pair;
  }

  /** Subtract every slot whose second has left the window. */
  private expire(pair: PairRollup, nowSecond: number): void {
    const cutoff = nowSecond - this.windowS;
    if (pair.expiredThrough >= cutoff) return;
    if (cutoff - pair.expiredThrough >= this.windowS) {
      for (const slot of pair.slots) if (slot.second !== -1 && slot.second <= cutoff) this.subtract(pair, slot);
    } else {
      for (let second = pair.expiredThrough + 1; second <= cutoff; second++) {
        const slot = pair.slots[second % this.windowS]!;
        if (slot.second === second) this.subtract(pair, slot);
      }
    }
    pair.expiredThrough = cutoff;
  }

  private subtract(pair: PairRollup, slot: Slot): void {
    for (const key of COUNTERS) pair.totals[key] -= slot.counts[key];
    for (const kind of ['ttft', 'tokens_per_s'] as const) {
      for (const [bucket, count] of slot.histograms[kind]) {
        pair.histograms[kind][bucket]! -= count;
        pair.histogramTotals[kind] -= count;
      }
      slot.histograms[kind].clear();
    }
    slot.counts = emptyCounts();
    slot.second = -1;
  }
}

function bump(pair: PairRollup, slot: Slot, kind: HistogramKind, bucket: number, count: number): void {
  const histogram = slot.histograms[kind];
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + count);
  pair.histograms[kind][bucket]! += count;
  pair.histogramTotals[kind] += count;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function roundTo(value: number | null, digits: number): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** How many of the newest attempts (newest first) failed in a row. */
function leadingFailures(recent: readonly { failed: boolean }[]): number {
  let streak = 0;
  while (streak < recent.length && recent[streak]!.failed) streak++;
  return streak;
}
