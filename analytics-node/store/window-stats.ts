// Window statistics for the scores, computed from the stored rows: what a node uses when
// several share one store (it sees every node's records, not only those it ingested). The
// same SQL runs on both engines; quantiles are read off the log-bucketed histograms the
// in-memory rollups use (histogram.ts: ±2 %), assembled here in JavaScript, so every store
// answers the same numbers for the same rows.
import type { ErrorClass, WindowStats } from '../../worker/core/types';
import { TOKENS_PER_S_HISTOGRAM, TTFT_HISTOGRAM, bucketSql, histogramQuantile, type HistogramSpec } from '../histogram';
import { ERROR_CLASS_COUNTS_SQL, GENERATION_TOKENS_PER_SECOND_SQL, isChannelFailure } from '../outcome';
import type { SlotCounts } from '../rollups-slots';
import { logSource } from './dialect';
import type { BoundValues, StoreDialect } from './log-store';

/** How many of the newest attempts recent_failures and failure_streak look at (as the rollups). */
export const RECENT_ATTEMPTS = 10;
/** The span `in_flight` averages over (Little's law over the last seconds of the window). */
export const IN_FLIGHT_SPAN_MS = 10_000;

type Query = <Row>(sql: string, values?: BoundValues) => Promise<Row[]>;
type HistogramKind = 'ttft' | 'tokens_per_s' | 'cached_ttft';

interface CountsRow extends SlotCounts {
  channel_id: string;
  model: string;
  busy_ms: number;
}

const SPECS: Record<HistogramKind, HistogramSpec> = { ttft: TTFT_HISTOGRAM, tokens_per_s: TOKENS_PER_S_HISTOGRAM, cached_ttft: TTFT_HISTOGRAM };

export async function windowStatsOf(query: Query, dialect: StoreDialect, fromMs: number, toMs: number): Promise<WindowStats[]> {
  const from = Math.trunc(fromMs);
  const to = Math.trunc(toMs);
  if (!(to > from)) return [];
  const span = Math.min(IN_FLIGHT_SPAN_MS, to - from);
  const source = `${logSource(dialect)} WHERE ts_end >= ${from} AND ts_end < ${to}`;
  // The bounds are integers inlined as constants, so each engine can prune by them.
  const [counts, buckets, recent] = await Promise.all([
    query<CountsRow>(
      `SELECT channel_id, model, ${ERROR_CLASS_COUNTS_SQL},
         max(ts_end)::DOUBLE AS last_ts,
         count(*) FILTER (WHERE cache_state = 'warm')::DOUBLE AS warm_attempts,
         count(*) FILTER (WHERE cache_state = 'warm' AND cached_input_tokens > 0)::DOUBLE AS warm_cache_hits,
         sum(greatest(0, least(ts_end, ${to}) - greatest(ts_start, ${to - span})))::DOUBLE AS busy_ms
       FROM ${source} GROUP BY channel_id, model`,
    ),
    query<{ channel_id: string; model: string; kind: HistogramKind; bucket: number; n: number }>(
      `SELECT channel_id, model, kind, bucket, count(*)::DOUBLE AS n FROM (
         SELECT channel_id, model, 'ttft' AS kind, ${bucketSql('ttft_ms', TTFT_HISTOGRAM)} AS bucket
         FROM ${source} AND ttft_ms IS NOT NULL
         UNION ALL
         SELECT channel_id, model, 'cached_ttft' AS kind, ${bucketSql('ttft_ms', TTFT_HISTOGRAM)} AS bucket
         FROM ${source} AND ttft_ms IS NOT NULL AND error_class = 'none' AND cached_input_tokens > 0
         UNION ALL
         SELECT channel_id, model, 'tokens_per_s' AS kind, ${bucketSql('speed', TOKENS_PER_S_HISTOGRAM)} AS bucket
         FROM (SELECT channel_id, model, ${GENERATION_TOKENS_PER_SECOND_SQL} AS speed FROM ${source}) speeds
         WHERE speed IS NOT NULL
       ) histogram_rows GROUP BY channel_id, model, kind, bucket`,
    ),
    // Newest first; ties broken by request id and attempt so both engines pick the same rows.
    query<{ channel_id: string; model: string; error_class: ErrorClass; position: number }>(
      `SELECT channel_id, model, error_class, position::DOUBLE AS position FROM (
         SELECT channel_id, model, error_class,
           row_number() OVER (PARTITION BY channel_id, model ORDER BY ts_end DESC, request_id DESC, attempt DESC) AS position
         FROM ${source} AND error_class <> 'cancelled'
       ) ranked WHERE position <= ${RECENT_ATTEMPTS}`,
    ),
  ]);
  return assemble(counts, buckets, recent, span);
}

function assemble(
  counts: readonly CountsRow[],
  buckets: ReadonlyArray<{ channel_id: string; model: string; kind: HistogramKind; bucket: number; n: number }>,
  recent: ReadonlyArray<{ channel_id: string; model: string; error_class: ErrorClass; position: number }>,
  spanMs: number,
): WindowStats[] {
  const histograms = new Map<string, Record<HistogramKind, { counts: Float64Array; total: number }>>();
  for (const row of buckets) {
    const key = pairKey(row.channel_id, row.model);
    let entry = histograms.get(key);
    if (entry === undefined) {
      entry = { ttft: emptyHistogram('ttft'), tokens_per_s: emptyHistogram('tokens_per_s'), cached_ttft: emptyHistogram('cached_ttft') };
      histograms.set(key, entry);
    }
    const histogram = entry[row.kind];
    const bucket = Math.max(0, Math.min(SPECS[row.kind].buckets - 1, Number(row.bucket)));
    histogram.counts[bucket]! += Number(row.n);
    histogram.total += Number(row.n);
  }
  const newest = new Map<string, boolean[]>();
  for (const row of [...recent].sort((a, b) => Number(a.position) - Number(b.position))) {
    const key = pairKey(row.channel_id, row.model);
    const list = newest.get(key) ?? [];
    list.push(isChannelFailure(row.error_class));
    newest.set(key, list);
  }
  const result = counts.map((row): WindowStats => {
    const key = pairKey(row.channel_id, row.model);
    const histogram = histograms.get(key);
    const quantile = (kind: HistogramKind, q: number) =>
      histogram === undefined ? null : roundTo(histogramQuantile(histogram[kind].counts, histogram[kind].total, q, SPECS[kind]), 1);
    const failures = newest.get(key) ?? [];
    let streak = 0;
    while (streak < failures.length && failures[streak]) streak++;
    return {
      channel_id: row.channel_id,
      model: row.model,
      requests: Number(row.requests),
      successes: Number(row.successes),
      errors_rate_limit: Number(row.rate_limit),
      errors_server: Number(row.server),
      errors_timeout: Number(row.timeout),
      errors_connection: Number(row.connection),
      errors_other: Number(row.other),
      ttft_p50_ms: quantile('ttft', 0.5),
      ttft_p90_ms: quantile('ttft', 0.9),
      ttft_p95_ms: quantile('ttft', 0.95),
      tokens_per_s: quantile('tokens_per_s', 0.5),
      last_ts: Number(row.last_ts),
      recent_failures: failures.filter(Boolean).length,
      recent_attempts: failures.length,
      failure_streak: streak,
      warm_attempts: Number(row.warm_attempts),
      warm_cache_hits: Number(row.warm_cache_hits),
      cached_ttft_p50_ms: quantile('cached_ttft', 0.5),
      in_flight: Number(row.busy_ms) / spanMs,
    };
  });
  return result.sort((a, b) => compareText(a.channel_id, b.channel_id) || compareText(a.model, b.model));
}

function emptyHistogram(kind: HistogramKind): { counts: Float64Array; total: number } {
  return { counts: new Float64Array(SPECS[kind].buckets), total: 0 };
}

function pairKey(channelId: string, model: string): string {
  return JSON.stringify([channelId, model]);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function roundTo(value: number | null, digits: number): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
