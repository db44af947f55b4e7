// Pure analysis for the tail bench: quantiles, which requests were slow, and whether their
// send times cluster at a period (a timer in the isolate shows as a cluster at its phase).
import { quantile, round, sortedCopy } from './lib/stats';
import type { TailSample } from './bench-tail-client';

export interface TailQuantiles {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export function tailQuantiles(values: ArrayLike<number>): TailQuantiles {
  const sorted = sortedCopy(values);
  const at = (q: number) => round(quantile(sorted, q), 2);
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: round(sorted.length ? sorted[sorted.length - 1]! : Number.NaN, 2) };
}

/** Concentration of slow requests' send times at one period: 0 = spread evenly, 1 = all at one phase. */
export interface Periodicity {
  period_ms: number;
  /** Mean resultant length of the phases (Rayleigh): ~1/√n for random times. */
  concentration: number;
  /** Phase (ms into the period, from the run's first request) where they cluster. */
  phase_ms: number;
  /** Slow requests per tenth of the period. */
  histogram: number[];
}

export function periodicity(times: number[], origin: number, periodMs: number, bins = 10): Periodicity {
  let sine = 0;
  let cosine = 0;
  const histogram = new Array<number>(bins).fill(0);
  for (const time of times) {
    const phase = (((time - origin) % periodMs) + periodMs) % periodMs;
    const angle = (2 * Math.PI * phase) / periodMs;
    sine += Math.sin(angle);
    cosine += Math.cos(angle);
    histogram[Math.min(bins - 1, Math.floor((phase / periodMs) * bins))]! += 1;
  }
  const n = Math.max(1, times.length);
  const mean = Math.atan2(sine / n, cosine / n);
  return {
    period_ms: periodMs,
    concentration: round(Math.hypot(sine, cosine) / n, 3),
    phase_ms: Math.round((((mean / (2 * Math.PI)) * periodMs) % periodMs + periodMs) % periodMs),
    histogram,
  };
}

/**
 * The period (between minMs and maxMs, 1 ms steps) at which the slow requests cluster most: a
 * timer chain of "1 s" drifts by its own work each round, so its true period is a little over
 * 1,000 ms, and wall-clock seconds would smear it.
 */
export function strongestPeriod(times: number[], origin: number, minMs = 400, maxMs = 11_000): Periodicity | null {
  if (times.length < 4) return null;
  let best: Periodicity | null = null;
  for (let period = minMs; period <= maxMs; period++) {
    const candidate = periodicity(times, origin, period);
    // A longer period fits any few points better: prefer it only when clearly better.
    if (!best || candidate.concentration > best.concentration + 0.02) best = candidate;
  }
  return best;
}

export interface TailReport {
  latency: TailQuantiles;
  /** Latency above the reference's p99 plus the margin. */
  slow: { threshold_ms: number; count: number; share: number; seconds: number[] };
  periods: Periodicity[];
  strongest: Periodicity | null;
  /** server-timing phases (ms): mean over all requests and over the slow ones. */
  phases: { all: Record<string, number>; slow: Record<string, number> };
}

export function analyseTail(samples: TailSample[], referenceP99: number, marginMs = 10): TailReport {
  const ok = samples.filter((sample) => sample.status === 200);
  const origin = samples.reduce((first, sample) => Math.min(first, sample.at), Number.POSITIVE_INFINITY);
  const threshold = referenceP99 + marginMs;
  const slow = ok.filter((sample) => sample.latency_ms > threshold);
  const times = slow.map((sample) => sample.at);
  return {
    latency: tailQuantiles(ok.map((sample) => sample.latency_ms)),
    slow: { threshold_ms: round(threshold, 2), count: slow.length, share: round(slow.length / Math.max(1, ok.length), 4), seconds: times.map((time) => round((time - origin) / 1000, 3)) },
    periods: [1_000, 5_000, 10_000].map((period) => periodicity(times, origin, period)),
    strongest: strongestPeriod(times, origin),
    phases: { all: meanPhases(ok), slow: meanPhases(slow) },
  };
}

/** Mean of each `server-timing` metric's `dur` (metrics a request lacks count as 0). */
export function meanPhases(samples: TailSample[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const sample of samples) {
    for (const part of (sample.timing ?? '').split(',')) {
      const match = /^\s*([\w-]+)\s*;.*dur=([\d.]+)/.exec(part);
      if (match) sums[match[1]!] = (sums[match[1]!] ?? 0) + Number(match[2]);
    }
  }
  const n = Math.max(1, samples.length);
  return Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, round(sum / n, 2)]));
}

/** A wait the worker traced (worker/logs/wait-trace.ts). */
export interface TracedWait {
  kind: string;
  start: number;
  end: number;
}

export function parseWaitTrace(text: string): TracedWait[] {
  const waits: TracedWait[] = [];
  for (const match of text.matchAll(/wait-trace (\S+) (\d+) (\d+)/g)) waits.push({ kind: match[1]!, start: Number(match[2]), end: Number(match[3]) });
  return waits;
}

/** Per kind of wait: how long they took, and how much likelier a slow request overlapped one than any request. */
export interface WaitSummary {
  kind: string;
  count: number;
  mean_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Share of slow requests whose lifetime overlapped a wait of this kind. */
  slow_overlap: number;
  /** …and of all requests. */
  all_overlap: number;
}

export function summariseWaits(waits: TracedWait[], samples: TailSample[], thresholdMs: number): WaitSummary[] {
  const ok = samples.filter((sample) => sample.status === 200);
  // Only the waits during this run (the worker's output holds the whole stack's life).
  const from = Math.min(...ok.map((sample) => sample.at));
  const to = Math.max(...ok.map((sample) => sample.at + sample.latency_ms));
  waits = waits.filter((wait) => wait.end >= from && wait.start <= to);
  const kinds = [...new Set(waits.map((wait) => wait.kind))].sort();
  const slow = ok.filter((sample) => sample.latency_ms > thresholdMs);
  return kinds.map((kind) => {
    const own = waits.filter((wait) => wait.kind === kind).sort((a, b) => a.start - b.start);
    const durations = tailQuantiles(own.map((wait) => wait.end - wait.start));
    const overlapShare = (set: TailSample[]) => set.filter((sample) => overlaps(own, sample.at, sample.at + sample.latency_ms)).length / Math.max(1, set.length);
    return { kind, count: own.length, mean_ms: round(own.reduce((sum, wait) => sum + wait.end - wait.start, 0) / Math.max(1, own.length), 2), p99_ms: durations.p99, max_ms: durations.max, slow_overlap: round(overlapShare(slow), 3), all_overlap: round(overlapShare(ok), 3) };
  });
}

function overlaps(sorted: TracedWait[], from: number, to: number): boolean {
  // Waits are few (a handful a second): a linear scan is fine.
  for (const wait of sorted) {
    if (wait.start > to) return false;
    if (wait.end >= from) return true;
  }
  return false;
}
