// The analytics node's job in memory: keep every attempt of the recent window and, at each
// push, aggregate them per channel × model into WindowStats for the real computeScores.
import type { ErrorClass, WindowStats } from '../../worker/core/types';

interface AttemptRecord {
  end: number;
  error_class: ErrorClass;
  ttft_ms: number | null;
  tokens_per_s: number | null;
  duration_ms: number;
  /** The router expected a warm prompt cache (the log's cache_state 'warm')… */
  expected_warm: boolean;
  /** …and the attempt read cached input tokens. */
  cache_hit: boolean;
}

/** What the log adds for caching and cluster load (absent: an attempt without either). */
export interface AttemptExtras {
  duration_ms: number;
  expected_warm: boolean;
  cache_hit: boolean;
}

/** The span (ms) over which cluster-wide concurrency is measured, Little's law over the log. */
export const IN_FLIGHT_SPAN_MS = 10_000;

export class WindowStatsStore {
  readonly #series = new Map<string, { channel_id: string; model: string; records: AttemptRecord[]; head: number }>();
  readonly #windowMs: number;
  readonly #recent: number;

  constructor(windowS: number, recentAttempts: number) {
    this.#windowMs = windowS * 1000;
    this.#recent = recentAttempts;
  }

  record(
    channel_id: string,
    model: string,
    end: number,
    error_class: ErrorClass,
    ttft_ms: number | null,
    tokens_per_s: number | null,
    extras?: AttemptExtras,
  ): void {
    if (error_class === 'cancelled') return;
    const key = `${channel_id}\u0000${model}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      series = { channel_id, model, records: [], head: 0 };
      this.#series.set(key, series);
    }
    series.records.push({
      end,
      error_class,
      ttft_ms,
      tokens_per_s,
      duration_ms: extras?.duration_ms ?? 0,
      expected_warm: extras?.expected_warm ?? false,
      cache_hit: extras?.cache_hit ?? false,
    });
  }

  /** Aggregates the window ending at `now`; channels with no attempt in it are absent. */
  windowStats(now: number): WindowStats[] {
    const rows: WindowStats[] = [];
    for (const series of this.#series.values()) {
      const records = series.records;
      while (series.head < records.length && records[series.head]!.end < now - this.#windowMs) series.head++;
      if (series.head > 4096 && series.head > records.length / 2) {
        records.splice(0, series.head);
        series.head = 0;
      }
      const count = records.length - series.head;
      if (count === 0) continue;
      const row: WindowStats = {
        channel_id: series.channel_id,
        model: series.model,
        requests: 0,
        successes: 0,
        errors_rate_limit: 0,
        errors_server: 0,
        errors_timeout: 0,
        errors_connection: 0,
        errors_other: 0,
        ttft_p50_ms: null,
        ttft_p95_ms: null,
        tokens_per_s: null,
        last_ts: 0,
        recent_failures: 0,
        recent_attempts: 0,
      };
      const ttfts: number[] = [];
      const speeds: number[] = [];
      const cachedTtfts: number[] = [];
      let warmAttempts = 0;
      let warmHits = 0;
      let busy = 0;
      for (let index = series.head; index < records.length; index++) {
        const record = records[index]!;
        if (record.end > now) continue;
        row.requests++;
        row.last_ts = Math.max(row.last_ts, record.end);
        switch (record.error_class) {
          case 'none':
            row.successes++;
            break;
          case 'rate_limit':
            row.errors_rate_limit++;
            break;
          case 'server':
            row.errors_server++;
            break;
          case 'timeout':
            row.errors_timeout++;
            break;
          case 'connection':
            row.errors_connection++;
            break;
          default:
            row.errors_other++;
        }
        if (record.ttft_ms !== null) ttfts.push(record.ttft_ms);
        if (record.tokens_per_s !== null) speeds.push(record.tokens_per_s);
        if (record.expected_warm) {
          warmAttempts++;
          if (record.cache_hit) warmHits++;
        }
        if (record.cache_hit && record.error_class === 'none' && record.ttft_ms !== null) cachedTtfts.push(record.ttft_ms);
        // Little's law: attempts ended in the last span × their mean duration / span.
        if (record.end >= now - IN_FLIGHT_SPAN_MS) busy += record.duration_ms;
      }
      for (let index = records.length - 1; index >= series.head && row.recent_attempts < this.#recent; index--) {
        const record = records[index]!;
        if (record.end > now || record.error_class === 'client') continue;
        row.recent_attempts++;
        if (record.error_class !== 'none') row.recent_failures++;
      }
      ttfts.sort((a, b) => a - b);
      speeds.sort((a, b) => a - b);
      row.ttft_p50_ms = quantile(ttfts, 0.5);
      row.ttft_p95_ms = quantile(ttfts, 0.95);
      row.ttft_p90_ms = quantile(ttfts, 0.9);
      cachedTtfts.sort((a, b) => a - b);
      row.cached_ttft_p50_ms = quantile(cachedTtfts, 0.5);
      row.warm_attempts = warmAttempts;
      row.warm_cache_hits = warmHits;
      row.in_flight = busy / IN_FLIGHT_SPAN_MS;
      row.tokens_per_s = quantile(speeds, 0.5);
      if (row.requests > 0) rows.push(row);
    }
    return rows;
  }
}

/** Nearest-rank quantile of a sorted array; null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
