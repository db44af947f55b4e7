// The pieces of WindowRollups' per-second ring: what one second counts, which histograms it
// keeps, and how a slot's contribution is added to and taken from a pair's running totals.
import type { LogRecord } from '../worker/core/types';
import { TOKENS_PER_S_HISTOGRAM, TTFT_HISTOGRAM, type HistogramSpec } from './histogram';
import type { OutcomeSample } from './outcome';

/** What one attempt must carry to be counted (a LogRecord has all of it). */
export type RollupSample = OutcomeSample &
  Pick<LogRecord, 'ts_start' | 'cached_input_tokens' | 'request_id' | 'attempt' | 'cache_state'>;

/** `cached_ttft`: TTFT of successful attempts that read cached input (store/window-stats.ts). */
export type HistogramKind = 'ttft' | 'tokens_per_s' | 'cached_ttft';
export const HISTOGRAM_KINDS = ['ttft', 'tokens_per_s', 'cached_ttft'] as const;
export const SPECS: Record<HistogramKind, HistogramSpec> = {
  ttft: TTFT_HISTOGRAM,
  tokens_per_s: TOKENS_PER_S_HISTOGRAM,
  cached_ttft: TTFT_HISTOGRAM,
};

export interface SlotCounts {
  requests: number;
  successes: number;
  rate_limit: number;
  server: number;
  timeout: number;
  connection: number;
  other: number;
  /** Attempts sent expecting a warm prompt cache (cache_state 'warm')… */
  warm_attempts: number;
  /** …of which read cached input tokens. */
  warm_cache_hits: number;
  /** Epoch ms of the newest record counted in the slot. */
  last_ts: number;
}

export const COUNTERS = [
  'requests',
  'successes',
  'rate_limit',
  'server',
  'timeout',
  'connection',
  'other',
  'warm_attempts',
  'warm_cache_hits',
] as const;

export interface Slot {
  second: number; // -1: empty
  counts: SlotCounts;
  histograms: Record<HistogramKind, Map<number, number>>;
}

export interface RecentAttempt {
  ts_end: number;
  request_id: string;
  attempt: number;
  failed: boolean;
}

/** One attempt's span, kept while it can still overlap the in-flight span. */
export interface BusySpan {
  ts_start: number;
  ts_end: number;
}

export interface PairRollup {
  channel_id: string;
  model: string;
  slots: Slot[];
  totals: SlotCounts;
  histograms: Record<HistogramKind, Float64Array>;
  histogramTotals: Record<HistogramKind, number>;
  /** Newest first (ts_end, then request id and attempt, descending: the store's order). */
  recent: RecentAttempt[];
  /** Attempts whose end may still fall in the in-flight span; pruned at each snapshot. */
  busy: BusySpan[];
  /** Every second up to this one has been subtracted from the totals. */
  expiredThrough: number;
}

export function emptyCounts(): SlotCounts {
  return {
    requests: 0,
    successes: 0,
    rate_limit: 0,
    server: 0,
    timeout: 0,
    connection: 0,
    other: 0,
    warm_attempts: 0,
    warm_cache_hits: 0,
    last_ts: 0,
  };
}

export function emptySlot(): Slot {
  return { second: -1, counts: emptyCounts(), histograms: { ttft: new Map(), tokens_per_s: new Map(), cached_ttft: new Map() } };
}

export function emptyPair(channelId: string, model: string, windowS: number): PairRollup {
  return {
    channel_id: channelId,
    model,
    slots: Array.from({ length: windowS }, emptySlot),
    totals: emptyCounts(),
    histograms: {
      ttft: new Float64Array(SPECS.ttft.buckets),
      tokens_per_s: new Float64Array(SPECS.tokens_per_s.buckets),
      cached_ttft: new Float64Array(SPECS.cached_ttft.buckets),
    },
    histogramTotals: { ttft: 0, tokens_per_s: 0, cached_ttft: 0 },
    recent: [],
    busy: [],
    expiredThrough: -Infinity,
  };
}

export function bump(pair: PairRollup, slot: Slot, kind: HistogramKind, bucket: number, count: number): void {
  const histogram = slot.histograms[kind];
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + count);
  pair.histograms[kind][bucket]! += count;
  pair.histogramTotals[kind] += count;
}

/** Takes a slot's contribution out of the pair's totals and empties it. */
export function subtract(pair: PairRollup, slot: Slot): void {
  for (const key of COUNTERS) pair.totals[key] -= slot.counts[key];
  for (const kind of HISTOGRAM_KINDS) {
    for (const [bucket, count] of slot.histograms[kind]) {
      pair.histograms[kind][bucket]! -= count;
      pair.histogramTotals[kind] -= count;
    }
    slot.histograms[kind].clear();
  }
  slot.counts = emptyCounts();
  slot.second = -1;
}

/** Newest first, as the store ranks them: ts_end, then request id, then attempt, descending. */
export function newerFirst(a: RecentAttempt, b: RecentAttempt): number {
  if (a.ts_end !== b.ts_end) return b.ts_end - a.ts_end;
  if (a.request_id !== b.request_id) return a.request_id < b.request_id ? 1 : -1;
  return b.attempt - a.attempt;
}
