// How one attempt counts in the statistics. One place, shared by the in-memory rollups and
// the SQL that rebuilds them, so both classify an attempt the same way.
import type { ErrorClass, LogRecord } from '../worker/core/types';

export type OutcomeSample = Pick<
  LogRecord,
  'channel_id' | 'model' | 'ts_end' | 'error_class' | 'ttft_ms' | 'duration_ms' | 'output_tokens' | 'stream'
>;

export type ErrorCounter = 'rate_limit' | 'server' | 'timeout' | 'connection' | 'other';

/** Which WindowStats error counter an attempt adds to; null for a success. */
export function errorCounterOf(errorClass: ErrorClass): ErrorCounter | null {
  switch (errorClass) {
    case 'none':
      return null;
    case 'rate_limit':
    case 'server':
    case 'timeout':
    case 'connection':
      return errorClass;
    case 'client':
    case 'mid_stream':
    case 'cancelled':
      return 'other';
  }
}

/**
 * Whether an attempt says something about the channel's health right now, for the
 * "newest attempts" streak. A cancelled attempt (the client went away) says nothing.
 */
export function countsAsRecentAttempt(errorClass: ErrorClass): boolean {
  return errorClass !== 'cancelled';
}

/**
 * Whether an attempt is the channel's fault. A 4xx for a bad request (`client`) means the
 * channel answered, so it does not count towards `down`.
 */
export function isChannelFailure(errorClass: ErrorClass): boolean {
  return errorClass !== 'none' && errorClass !== 'client' && errorClass !== 'cancelled';
}

/**
 * Output tokens per second of generation (after the first token). Only streams measure it:
 * a non-streamed answer's first byte is its last.
 */
export function generationTokensPerSecond(sample: OutcomeSample): number | null {
  if (!sample.stream || sample.ttft_ms === null || sample.output_tokens <= 0) return null;
  const generationMs = sample.duration_ms - sample.ttft_ms;
  if (!(generationMs > 0)) return null;
  return (sample.output_tokens * 1000) / generationMs;
}

/** `generationTokensPerSecond` as SQL over the log table's columns. */
export const GENERATION_TOKENS_PER_SECOND_SQL =
  `CASE WHEN stream AND ttft_ms IS NOT NULL AND output_tokens > 0 AND duration_ms > ttft_ms ` +
  `THEN output_tokens * 1000.0 / (duration_ms - ttft_ms) END`;

/**
 * The per-class attempt counts as SQL select items (`requests`, `successes`, one column per
 * failure class, `other`), shared by every query that aggregates the log for the scores
 * (store/window-stats.ts, queries.ts rebuildRollups), so that the classes are counted the
 * same way by the store and by the in-memory rollups rebuilt from it.
 */
export const ERROR_CLASS_COUNTS_SQL = `count(*)::DOUBLE AS requests,
  count(*) FILTER (WHERE error_class = 'none')::DOUBLE AS successes,
  count(*) FILTER (WHERE error_class = 'rate_limit')::DOUBLE AS rate_limit,
  count(*) FILTER (WHERE error_class = 'server')::DOUBLE AS server,
  count(*) FILTER (WHERE error_class = 'timeout')::DOUBLE AS timeout,
  count(*) FILTER (WHERE error_class = 'connection')::DOUBLE AS connection,
  count(*) FILTER (WHERE error_class NOT IN ('none', 'rate_limit', 'server', 'timeout', 'connection'))::DOUBLE AS other`;
