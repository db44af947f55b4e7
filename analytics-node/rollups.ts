// In-memory window statistics per channel × model, maintained at ingest so that a score
// recompute costs O(pairs × buckets), not O(rows). Pure: no I/O, the clock is passed in.
//
// Per pair: a ring of one-second slots (counts and sparse histogram contributions) and
// running window totals; a slot's contribution is subtracted when it leaves the window.
// Plus the newest few attempts, for fast outage detection, and the spans of the attempts
// that ended in the last 10 s, for `in_flight`. The statistics mean exactly what
// store/window-stats.ts computes from stored rows (rollups-stats.ts).
import type { WindowStats } from '../worker/core/types';
import { TOKENS_PER_S_HISTOGRAM, TTFT_HISTOGRAM, bucketOf } from './histogram';
import { countsAsRecentAttempt, errorCounterOf, generationTokensPerSecond, isChannelFailure } from './outcome';
import {
  COUNTERS,
  SPECS,
  bump,
  emptyPair,
  newerFirst,
  subtract,
  type HistogramKind,
  type PairRollup,
  type RecentAttempt,
  type RollupSample,
  type Slot,
  type SlotCounts,
} from './rollups-slots';
import { compareText, statsOf, type SnapshotBounds } from './rollups-stats';
import { IN_FLIGHT_SPAN_MS } from './store/window-stats';

export type { HistogramKind, RollupSample, SlotCounts };

export interface RollupOptions {
  windowS: number;
  /** How many of the newest attempts `recent_*` counts over. */
  recentSize?: number;
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
  add(sample: RollupSample, nowMs: number): void {
    const nowSecond = Math.floor(nowMs / 1000);
    const second = Math.min(Math.floor(sample.ts_end / 1000), nowSecond);
    if (second <= nowSecond - this.windowS) return;
    const pair = this.pairFor(sample.channel_id, sample.model);
    const slot = this.slotIn(pair, second, nowSecond);
    const counter = errorCounterOf(sample.error_class);
    const counts: Partial<SlotCounts> = { requests: 1, [counter === null ? 'successes' : counter]: 1, last_ts: sample.ts_end };
    if (sample.cache_state === 'warm') {
      counts.warm_attempts = 1;
      if (sample.cached_input_tokens > 0) counts.warm_cache_hits = 1;
    }
    addTo(pair, slot, counts);
    if (sample.ttft_ms !== null) {
      bump(pair, slot, 'ttft', bucketOf(sample.ttft_ms, TTFT_HISTOGRAM), 1);
      if (sample.error_class === 'none' && sample.cached_input_tokens > 0) {
        bump(pair, slot, 'cached_ttft', bucketOf(sample.ttft_ms, TTFT_HISTOGRAM), 1);
      }
    }
    const tokensPerSecond = generationTokensPerSecond(sample);
    if (tokensPerSecond !== null) {
      bump(pair, slot, 'tokens_per_s', bucketOf(tokensPerSecond, TOKENS_PER_S_HISTOGRAM), 1);
    }
    if (countsAsRecentAttempt(sample.error_class)) {
      this.pushRecent(pair, { ts_end: sample.ts_end, request_id: sample.request_id, attempt: sample.attempt, failed: isChannelFailure(sample.error_class) });
    }
    this.pushBusy(pair, sample.ts_start, sample.ts_end, nowMs);
  }

  /**
   * Add pre-aggregated counts for one second (start-up rebuild). `second` is epoch seconds;
   * a counter left out adds nothing (a rebuild that predates it).
   */
  addCounts(channelId: string, model: string, second: number, counts: Partial<SlotCounts>, nowMs: number): void {
    const slot = this.slotFor(channelId, model, second, nowMs);
    if (slot === null) return;
    addTo(slot[0], slot[1], counts);
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

  /**
   * Record one attempt among the newest of its pair (start-up rebuild feeds these too). The
   * request id and attempt break ties between equal ts_end as the store does.
   */
  addRecent(channelId: string, model: string, tsEnd: number, failed: boolean, nowMs: number, requestId = '', attempt = 0): void {
    if (this.secondOf(tsEnd, nowMs) === null) return;
    this.pushRecent(this.pairFor(channelId, model), { ts_end: tsEnd, request_id: requestId, attempt, failed });
  }

  /** Record one attempt's span for `in_flight` (start-up rebuild: the attempts of the last 10 s). */
  addBusy(channelId: string, model: string, tsStart: number, tsEnd: number, nowMs: number): void {
    if (this.secondOf(tsEnd, nowMs) === null) return;
    this.pushBusy(this.pairFor(channelId, model), tsStart, tsEnd, nowMs);
  }

  private pushRecent(pair: PairRollup, attempt: RecentAttempt): void {
    const recent = pair.recent;
    if (recent.length >= this.recentSize && newerFirst(attempt, recent[recent.length - 1]!) > 0) return;
    let index = recent.findIndex((other) => newerFirst(attempt, other) <= 0);
    if (index === -1) index = recent.length;
    recent.splice(index, 0, attempt);
    if (recent.length > this.recentSize) recent.pop();
  }

  private pushBusy(pair: PairRollup, tsStart: number, tsEnd: number, nowMs: number): void {
    // An attempt that ended before the in-flight span of this snapshot adds nothing to it or
    // to any later one.
    if (tsEnd <= Math.trunc(nowMs) + 1 - IN_FLIGHT_SPAN_MS) return;
    pair.busy.push({ ts_start: tsStart, ts_end: tsEnd });
  }

  /** Statistics per pair with at least one request in the window, ordered by channel and model. */
  snapshot(nowMs: number): WindowStats[] {
    const nowSecond = Math.floor(nowMs / 1000);
    // The bounds cluster/score-source.ts asks the store for: whole seconds, this one included.
    const bounds: SnapshotBounds = { fromMs: (nowSecond - this.windowS + 1) * 1000, toMs: Math.trunc(nowMs) + 1 };
    const result: WindowStats[] = [];
    for (const [channelId, models] of this.pairs) {
      for (const [model, pair] of models) {
        this.expire(pair, nowSecond);
        pair.busy = pair.busy.filter((attempt) => attempt.ts_end > bounds.toMs - IN_FLIGHT_SPAN_MS);
        if (pair.totals.requests === 0) {
          pair.recent = pair.recent.filter((attempt) => attempt.ts_end >= bounds.fromMs);
          if (pair.recent.length === 0) models.delete(model);
          continue;
        }
        result.push(statsOf(pair, bounds));
      }
      if (models.size === 0) this.pairs.delete(channelId);
    }
    return result.sort((a, b) => compareText(a.channel_id, b.channel_id) || compareText(a.model, b.model));
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
      if (slot.second !== -1) subtract(pair, slot);
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
      pair = emptyPair(channelId, model, this.windowS);
      models.set(model, pair);
    }
    return pair;
  }

  /** Subtract every slot whose second has left the window. */
  private expire(pair: PairRollup, nowSecond: number): void {
    const cutoff = nowSecond - this.windowS;
    if (pair.expiredThrough >= cutoff) return;
    if (cutoff - pair.expiredThrough >= this.windowS) {
      for (const slot of pair.slots) if (slot.second !== -1 && slot.second <= cutoff) subtract(pair, slot);
    } else {
      for (let second = pair.expiredThrough + 1; second <= cutoff; second++) {
        const slot = pair.slots[second % this.windowS]!;
        if (slot.second === second) subtract(pair, slot);
      }
    }
    pair.expiredThrough = cutoff;
  }
}

/** Adds counts to a slot and to its pair's totals; last_ts is a maximum, not a sum. */
function addTo(pair: PairRollup, slot: Slot, counts: Partial<SlotCounts>): void {
  for (const key of COUNTERS) {
    const value = counts[key] ?? 0;
    slot.counts[key] += value;
    pair.totals[key] += value;
  }
  slot.counts.last_ts = Math.max(slot.counts.last_ts, counts.last_ts ?? 0);
}
