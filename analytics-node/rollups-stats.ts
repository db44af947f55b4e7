// One pair's WindowStats from its running totals. The definitions are store/window-stats.ts's
// (the statistics a cluster reads from the store), so a lone node and a cluster's leader
// score the same records the same way; rollups-equivalence.test.ts holds them equal.
import type { WindowStats } from '../worker/core/types';
import { histogramQuantile } from './histogram';
import { IN_FLIGHT_SPAN_MS } from './store/window-stats';
import { SPECS, type BusySpan, type HistogramKind, type PairRollup } from './rollups-slots';

/** The window a snapshot at `nowMs` covers: fromMs <= ts_end < toMs (the store's bounds). */
export interface SnapshotBounds {
  fromMs: number;
  toMs: number;
}

export function statsOf(pair: PairRollup, bounds: SnapshotBounds): WindowStats {
  let lastTs = 0;
  for (const slot of pair.slots) if (slot.second !== -1) lastTs = Math.max(lastTs, slot.counts.last_ts);
  const recent = pair.recent.filter((attempt) => attempt.ts_end >= bounds.fromMs);
  const quantile = (kind: HistogramKind, q: number) =>
    roundTo(histogramQuantile(pair.histograms[kind], pair.histogramTotals[kind], q, SPECS[kind]), 1);
  const span = inFlightSpan(bounds);
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
    ttft_p90_ms: quantile('ttft', 0.9),
    ttft_p95_ms: quantile('ttft', 0.95),
    tokens_per_s: quantile('tokens_per_s', 0.5),
    last_ts: lastTs,
    recent_failures: recent.filter((attempt) => attempt.failed).length,
    recent_attempts: recent.length,
    failure_streak: leadingFailures(recent),
    warm_attempts: pair.totals.warm_attempts,
    warm_cache_hits: pair.totals.warm_cache_hits,
    cached_ttft_p50_ms: quantile('cached_ttft', 0.5),
    in_flight: busyMs(pair.busy, bounds.toMs, span) / span,
  };
}

/** The last 10 s of the window, or all of it when the window is shorter (as the store). */
export function inFlightSpan(bounds: SnapshotBounds): number {
  return Math.min(IN_FLIGHT_SPAN_MS, bounds.toMs - bounds.fromMs);
}

/** Σ over attempts of their time inside [toMs − span, toMs): Little's law's busy time. */
function busyMs(spans: readonly BusySpan[], toMs: number, span: number): number {
  const start = toMs - span;
  let total = 0;
  for (const attempt of spans) total += Math.max(0, Math.min(attempt.ts_end, toMs) - Math.max(attempt.ts_start, start));
  return total;
}

/** How many of the newest attempts (newest first) failed in a row. */
function leadingFailures(recent: readonly { failed: boolean }[]): number {
  let streak = 0;
  while (streak < recent.length && recent[streak]!.failed) streak++;
  return streak;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function roundTo(value: number | null, digits: number): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
