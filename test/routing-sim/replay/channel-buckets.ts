// Each channel × model's behaviour over the window, in short buckets, from its logged
// attempts: TTFTs and speeds to draw from, failure shares and durations per class, capacity
// where it answered 429s, and the runs of buckets in which a channel failed hard. A bucket in
// which a pair was not tried keeps its last known behaviour (its first, before it was tried).
import type { ReplayAttemptRow } from '../../../analytics-node/replay/replay-queries';
import { FAILURE_CLASSES, type BucketBehaviour, type DownPeriod, type FailureClass } from './replay-model';

/** Enough to draw from without keeping every sample of a busy channel. */
const MAX_SAMPLES = 256;

const UNKNOWN: BucketBehaviour = {
  observed: 0,
  failure_share: { connection: 0, timeout: 0, rate_limit: 0, server: 0, mid_stream: 0 },
  failure_ms: {},
  ttft_samples: [],
  tokens_per_s_samples: [],
  rate_limit_rps: null,
};

interface Tally {
  attempts: number;
  failures: Record<FailureClass, number>;
  failure_ms: Record<FailureClass, number>;
  accepted: number;
  ttft: number[];
  speed: number[];
}

export function bucketIndex(ts: number, from: number, bucketMs: number, buckets: number): number {
  return Math.min(buckets - 1, Math.max(0, Math.floor((ts - from) / bucketMs)));
}

/** Attempts that say something about the channel (not the request, not a lost hedge). */
export function describesChannel(row: ReplayAttemptRow): boolean {
  return row.error_class !== 'client' && row.error_class !== 'cancelled';
}

export function channelBuckets(rows: readonly ReplayAttemptRow[], from: number, bucketMs: number, buckets: number): BucketBehaviour[] {
  const tallies: (Tally | undefined)[] = new Array<Tally | undefined>(buckets).fill(undefined);
  for (const row of rows) {
    if (!describesChannel(row)) continue;
    const index = bucketIndex(row.ts_start, from, bucketMs, buckets);
    const tally = (tallies[index] ??= emptyTally());
    tally.attempts++;
    if (row.error_class === 'none' || row.error_class === 'mid_stream') {
      if (row.ttft_ms !== null) sample(tally.ttft, row.ttft_ms, tally.attempts);
      const generation = row.ttft_ms === null ? 0 : row.duration_ms - row.ttft_ms;
      if (row.error_class === 'none' && row.output_tokens > 0 && generation > 0) {
        sample(tally.speed, (row.output_tokens / generation) * 1000, tally.attempts);
      }
    }
    if (row.error_class === 'none') tally.accepted++;
    else if (isFailure(row.error_class)) {
      tally.failures[row.error_class]++;
      tally.failure_ms[row.error_class] += row.duration_ms;
      if (row.error_class !== 'rate_limit') tally.accepted++;
    }
  }
  const observed = tallies.map((tally) => (tally === undefined ? null : behaviour(tally, bucketMs)));
  return fill(observed);
}

/** Runs of buckets in which every attempt on the channel (any model, at least two) failed hard. */
export function downPeriods(channel_id: string, rows: readonly ReplayAttemptRow[], from: number, bucketMs: number, buckets: number): DownPeriod[] {
  const hard = new Array<number>(buckets).fill(0);
  const all = new Array<number>(buckets).fill(0);
  for (const row of rows) {
    if (!describesChannel(row)) continue;
    const index = bucketIndex(row.ts_start, from, bucketMs, buckets);
    all[index]!++;
    if (row.error_class === 'connection' || row.error_class === 'timeout') hard[index]!++;
  }
  const periods: DownPeriod[] = [];
  let open: DownPeriod | null = null;
  for (let index = 0; index < buckets; index++) {
    if (all[index] === 0) continue; // untried: the channel keeps its state
    const down = all[index]! >= 2 && hard[index] === all[index];
    if (down && open === null) periods.push((open = { channel_id, start_s: (index * bucketMs) / 1000, end_s: null }));
    else if (!down && open !== null) {
      open.end_s = (index * bucketMs) / 1000;
      open = null;
    }
  }
  return periods;
}

function behaviour(tally: Tally, bucketMs: number): BucketBehaviour {
  const limited = tally.failures.rate_limit > 0;
  const failure_share = {} as Record<FailureClass, number>;
  const failure_ms: Partial<Record<FailureClass, number>> = {};
  for (const kind of FAILURE_CLASSES) {
    // Where a capacity is known the token bucket makes the 429s, not a coin.
    failure_share[kind] = kind === 'rate_limit' && limited ? 0 : tally.failures[kind] / tally.attempts;
    if (tally.failures[kind] > 0) failure_ms[kind] = tally.failure_ms[kind] / tally.failures[kind];
  }
  return {
    observed: tally.attempts,
    failure_share,
    failure_ms,
    ttft_samples: tally.ttft,
    tokens_per_s_samples: tally.speed,
    rate_limit_rps: limited ? Math.max(1, tally.accepted) / (bucketMs / 1000) : null,
  };
}

/** Gaps take the previous bucket's behaviour (the first known one before any); samples likewise. */
function fill(observed: (BucketBehaviour | null)[]): BucketBehaviour[] {
  // A pair that only saw client errors says nothing of itself: the simulator's defaults.
  const first = observed.find((entry) => entry !== null) ?? UNKNOWN;
  const firstTtft = observed.find((entry) => entry !== null && entry.ttft_samples.length > 0)?.ttft_samples ?? [];
  const firstSpeed = observed.find((entry) => entry !== null && entry.tokens_per_s_samples.length > 0)?.tokens_per_s_samples ?? [];
  let last: BucketBehaviour = first;
  let ttft = firstTtft;
  let speed = firstSpeed;
  return observed.map((entry) => {
    if (entry === null) return { ...last, observed: 0 };
    // A bucket of failures only: when it does answer, it answers as it did last time.
    if (entry.ttft_samples.length > 0) ttft = entry.ttft_samples;
    if (entry.tokens_per_s_samples.length > 0) speed = entry.tokens_per_s_samples;
    last = { ...entry, ttft_samples: ttft, tokens_per_s_samples: speed };
    return last;
  });
}

function isFailure(kind: string): kind is FailureClass {
  return (FAILURE_CLASSES as readonly string[]).includes(kind);
}

/** Reservoir sampling with a deterministic slot, so a replay is repeatable. */
function sample(list: number[], value: number, seen: number): void {
  if (list.length < MAX_SAMPLES) list.push(value);
  else list[(seen * 2_654_435_761) % MAX_SAMPLES] = value;
}

function emptyTally(): Tally {
  const zero = (): Record<FailureClass, number> => ({ connection: 0, timeout: 0, rate_limit: 0, server: 0, mid_stream: 0 });
  return { attempts: 0, failures: zero(), failure_ms: zero(), accepted: 0, ttft: [], speed: [] };
}
