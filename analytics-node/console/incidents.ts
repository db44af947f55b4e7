// Incidents, detected at each score recompute by comparing it with the previous one (pure):
// a channel × model marked down, recovered, a fresh failure streak of ≥ 3 (what the router's
// breaker reacts to), or a success probability down by ≥ 0.2 since the previous recompute.
import type { ScoreTable, WindowStats } from '../../worker/core/types';
import type { LogStore } from '../log-store';
import type { Incident } from './api-types';
import type { SqlWriter } from './console-tables';
import { consoleSql } from './console-sql';

export const BREAKER_STREAK = 3;
export const SCORE_DROP = 0.2;

export interface PairState {
  down: boolean;
  success_p: number;
  failure_streak: number;
}

export type IncidentState = Map<string, PairState>;

/** The incidents between two recomputes, and the state to compare the next one with. */
export function detectIncidents(previous: IncidentState, table: ScoreTable, stats: readonly WindowStats[]): { incidents: Incident[]; state: IncidentState } {
  const streaks = new Map(stats.map((row) => [`${row.channel_id}\u0000${row.model}`, row.failure_streak ?? 0]));
  const state: IncidentState = new Map();
  const incidents: Incident[] = [];
  const at = table.computed_at;
  for (const entry of table.entries) {
    const key = `${entry.channel_id}\u0000${entry.model}`;
    const now: PairState = { down: entry.down, success_p: entry.success_p, failure_streak: streaks.get(key) ?? 0 };
    state.set(key, now);
    const before = previous.get(key);
    const push = (kind: Incident['kind'], detail: string) => incidents.push({ at, channel_id: entry.channel_id, kind, detail: `${entry.model}: ${detail}` });
    if (now.down && !before?.down) push('down', `marked down (success p ${entry.success_p.toFixed(2)}, ${entry.samples} samples)`);
    if (!now.down && before?.down) push('recovered', `no longer down (success p ${entry.success_p.toFixed(2)})`);
    if (now.failure_streak >= BREAKER_STREAK && (before?.failure_streak ?? 0) < BREAKER_STREAK) push('breaker_open', `${now.failure_streak} failures in a row`);
    if (before && before.success_p - now.success_p >= SCORE_DROP) push('score_drop', `success p ${before.success_p.toFixed(2)} → ${now.success_p.toFixed(2)}`);
  }
  // A pair that left the table while down (no traffic any more) keeps its state until it returns.
  for (const [key, before] of previous) if (!state.has(key) && before.down) state.set(key, before);
  return { incidents, state };
}

export async function storeIncidents(write: SqlWriter, incidents: readonly Incident[]): Promise<void> {
  if (incidents.length === 0) return;
  const values = incidents.flatMap((incident) => [incident.at, incident.channel_id, incident.kind, incident.detail]);
  const rows = incidents.map((_, index) => `($${index * 4 + 1}, $${index * 4 + 2}, $${index * 4 + 3}, $${index * 4 + 4})`);
  await write(`INSERT INTO incidents VALUES ${rows.join(', ')}`, values);
}

export async function recentIncidents(store: LogStore, limit: number): Promise<Incident[]> {
  const db = consoleSql(store);
  return db.query<Incident>(
    `SELECT "at"::DOUBLE AS "at", channel_id, kind, detail FROM incidents ORDER BY "at" DESC, ${db.insertionOrderDesc} LIMIT ${limit}`,
  );
}
