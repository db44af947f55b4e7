// The scoring table: built from window statistics (pure) and pushed to the worker (I/O).
import { computeScores } from '../worker/core/scoring';
import type { ScoreTable, WindowStats } from '../worker/core/types';

/**
 * Versions are epoch ms, bumped past the previous one when the clock stalls or steps back:
 * monotonic within a process and, clock permitting, across restarts.
 */
export function nextVersion(previous: number, nowMs: number): number {
  return Math.max(Math.trunc(nowMs), previous + 1);
}

export function buildScoreTable(
  stats: readonly WindowStats[],
  previousVersion: number,
  nowMs: number,
  windowS: number,
): ScoreTable {
  return {
    version: nextVersion(previousVersion, nowMs),
    computed_at: Math.trunc(nowMs),
    window_s: windowS,
    entries: computeScores(stats),
  };
}

export type PushResult = { ok: true } | { ok: false; error: string };

/** POST the table to `${workerUrl}/internal/scores` (extra headers: a leader's lease term); never throws. */
export async function pushScoreTable(
  workerUrl: string,
  internalSecret: string,
  table: ScoreTable,
  timeoutMs = 3000,
  extraHeaders: Record<string, string> = {},
): Promise<PushResult> {
  const url = `${workerUrl.replace(/\/+$/, '')}/internal/scores`;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${internalSecret}`, 'content-type': 'application/json', ...extraHeaders },
      body: JSON.stringify(table),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok ? { ok: true } : { ok: false, error: `worker answered ${response.status}` };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
