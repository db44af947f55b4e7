// The decision record: how the router chose for one request, for the first attempt's log
// record and the routing explorer (issue #13). Built from the rows the plan kept (rows.ts):
// the plan already picked the most probable candidates by a partial selection while it had
// its workspace, so this costs the same for 10 candidates or 1,000.
import type { DecisionCandidate, DecisionRecord } from '../types';
import {
  EXPLORING,
  PROBING,
  ROW_AFFINITY,
  WARM_CACHE,
  ROW_PROBABILITY,
  ROW_UTILITY,
  rowCandidate,
  rowScores,
  rowHas,
  rowTier,
  rowValue,
  round4,
  type PlanRows,
} from './rows';
import type { Plan, PlanSummary } from './types';
import { REJECTED, UNHEALTHY } from './workspace';

export { MAX_KEPT as MAX_DECISION_CANDIDATES } from './rows';

/** `score_version`: the version of the score table the plan was made with (0 when none had arrived). */
export function decisionRecordOf(plan: Plan, score_version: number): DecisionRecord {
  const { summary, rows } = plan;
  return {
    mode: summary?.mode ?? 'balanced',
    rule: summary?.rule ?? 'none',
    temperature: summary?.temperature ?? 0,
    exploration: summary?.exploration ?? 0,
    weights: summary ? { ...summary.weights } : { margin: 0, ttft: 0, throughput: 0, reliability: 0 },
    score_version,
    total_candidates: rows?.candidates.length ?? 0,
    candidates: rows === undefined ? [] : rows.ranked.map((row) => decisionCandidate(rows, row)),
    plan: plan.attempts.map((attempt) => attempt.channel_id),
    reason: reasonOf(plan, rows, summary) + affinityNote(plan, rows),
  };
}

/**
 * The affinity term in words, for the record's reader (each candidate's number is in its
 * components.affinity): whether the conversation stayed on its warm channel, and what the warm cache added.
 */
function affinityNote(plan: Plan, rows: PlanRows | undefined): string {
  if (rows === undefined) return '';
  for (let row = 0; row < rows.indices.length; row++) {
    if (!rowHas(rows, row, WARM_CACHE)) continue;
    const candidate = rowCandidate(rows, row);
    const first = plan.attempts[0];
    const verb = first !== undefined && first.channel_id === candidate.channel_id ? 'kept' : 'left';
    return `; warm cache on ${candidate.channel_id} ${verb} (affinity +${fixed3(rowValue(rows, row, ROW_AFFINITY))})`;
  }
  return '';
}

function fixed3(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '0';
}

function decisionCandidate(rows: PlanRows, row: number): DecisionCandidate {
  const candidate = rowCandidate(rows, row);
  const tier = rowTier(rows, row);
  if (tier === REJECTED) {
    return {
      channel_id: candidate.channel_id,
      model: candidate.model,
      utility: 0,
      probability: 0,
      rejected: rows.rejections?.[rows.indices[row]!] ?? 'rejected',
    };
  }
  const entry: DecisionCandidate = {
    channel_id: candidate.channel_id,
    model: candidate.model,
    ...rowScores(rows, row),
  };
  // The prompt-cache term, where the request continues a conversation (as the explanation's aff=).
  const affinity = rowValue(rows, row, ROW_AFFINITY);
  if (entry.components !== undefined && (affinity !== 0 || rowHas(rows, row, WARM_CACHE))) {
    entry.components.affinity = round4(affinity);
  }
  // Still in the plan, but only after every healthy channel: breaker open, reported down or hanging.
  if (tier === UNHEALTHY) entry.rejected = 'down';
  return entry;
}

/** One line: why the first attempt's channel won. */
function reasonOf(plan: Plan, rows: PlanRows | undefined, summary: PlanSummary | undefined): string {
  const first = plan.attempts[0];
  if (first === undefined) return 'no candidate satisfies the constraints';
  if (summary?.rule === 'order') return 'provider.order';
  if (summary?.rule === 'sort') return `provider.sort: ${summary.sort ?? 'price'}`;
  if (rows === undefined) return 'sampled';
  // The first attempt's row: the plan keeps it (it is the most probable or was drawn from them).
  let row = -1;
  for (let position = 0; position < rows.indices.length; position++) {
    if (rowCandidate(rows, position) === first) row = position;
  }
  const downNote = row >= 0 && rowTier(rows, row) === UNHEALTHY ? 'every channel down or open, tried anyway; ' : '';
  if (rows.rivals <= 1) return `${downNote}only candidate`;
  if (row < 0) return `${downNote}sampled`;
  const probability = `p=${fixed(rowValue(rows, row, ROW_PROBABILITY))}`;
  if (rowHas(rows, row, PROBING)) return `${downNote}probe: breaker half-open or recovering (${probability})`;
  const utility = rowValue(rows, row, ROW_UTILITY);
  const best = rows.top_utility;
  if (utility >= best) return `${downNote}sampled: ${probability} (highest utility ${fixed(utility)})`;
  if (rowHas(rows, row, EXPLORING)) return `${downNote}exploration: stale or thin statistics (${probability})`;
  return `${downNote}sampled: ${probability} (utility ${fixed(utility)}; highest ${fixed(best)} on ${rows.top_channel})`;
}

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '0';
}
