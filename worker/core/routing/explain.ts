// The explanation of a plan: per candidate its normalised components, utility, probability
// of being first or the constraint that removed it; and a compact ASCII rendering for the
// `x-switchboard-debug` response header.
import {
  ROW_AFFINITY,
  WARM_CACHE,
  round4,
  rowCandidate,
  rowHas,
  rowScores,
  rowTier,
  rowValue,
  type PlanRows,
} from './rows';
import type { Binding, CandidateExplanation, Plan } from './types';
import { REJECTED, UNHEALTHY } from './workspace';

export const MAX_DEBUG_HEADER_BYTES = 4096;

/** One entry per row of the plan (every candidate with `explain: true`), in input order. */
export function explain(rows: PlanRows): CandidateExplanation[] {
  const result: CandidateExplanation[] = [];
  for (let row = 0; row < rows.indices.length; row++) {
    const candidate = rowCandidate(rows, row);
    const tier = rowTier(rows, row);
    if (tier === REJECTED) {
      result.push({
        channel_id: candidate.channel_id,
        model: candidate.model,
        components: {},
        utility: 0,
        probability: 0,
        rejected: rows.rejections?.[rows.indices[row]!] ?? 'rejected',
      });
      continue;
    }
    const entry: CandidateExplanation = {
      channel_id: candidate.channel_id,
      model: candidate.model,
      ...rowScores(rows, row),
    };
    if (tier === UNHEALTHY) entry.components.unhealthy = 1;
    // A conversation's request: the utility its cache terms added (the warm channel's
    // discount and speed-up, every channel's worth for the turns that follow).
    const affinity = rowValue(rows, row, ROW_AFFINITY);
    if (affinity !== 0 || rowHas(rows, row, WARM_CACHE)) entry.components.affinity = round4(affinity);
    result.push(entry);
  }
  return result;
}

/**
 * `mode=balanced rule=sample T=0.04 explore=0.02 w=m.35,t.25,tp.15,r.25 | a@m p=.873 u=.812
 * m=1 t=.56 tp=.58 r=.98 l=1 | c@m x=provider.ignore | +3 more` — candidates by probability,
 * then utility; rejected ones last; never more than 4 KB, ASCII only.
 */
export function formatExplanation(plan: Plan): string {
  const summary = plan.summary;
  let header = summary
    ? `mode=${summary.mode} rule=${summary.rule} T=${short(summary.temperature)} explore=${short(summary.exploration)}` +
      ` w=m${short(summary.weights.margin)},t${short(summary.weights.ttft)},tp${short(summary.weights.throughput)},r${short(summary.weights.reliability)}`
    : 'plan';
  const tried = plan.attempts.map((attempt) => ascii(attempt.channel_id)).join(',');
  header += ` attempts=${tried === '' ? '-' : tried}`;
  if (summary?.binding) header += ` | ${bindingLine(summary.binding)}`;
  const entries = plan.explanation.slice().sort(byInterest);
  // A plan made without `explain` keeps only the decision record's candidates: count the rest too.
  const total = Math.max(entries.length, plan.rows?.candidates.length ?? 0);
  let written = 0;
  for (const entry of entries) {
    const part = ` | ${renderEntry(entry)}`;
    const rest = total - written;
    if (header.length + part.length + (rest > 1 ? 16 : 0) > MAX_DEBUG_HEADER_BYTES) break;
    header += part;
    written++;
  }
  if (written < total) header += ` | +${total - written} more`;
  return header;
}

/** The reasoning-state constraint, as the operator reads it in the debug header. */
export function bindingLine(binding: Binding): string {
  const line = `bound to ${ascii(binding.dialect)} (reasoning state in history)`;
  return binding.applied ? line : `${line} not applied: no usable ${ascii(binding.dialect)} channel, state stripped`;
}

function renderEntry(entry: CandidateExplanation): string {
  const name = `${ascii(entry.channel_id)}@${ascii(entry.model)}`;
  if (entry.rejected !== undefined) return `${name} x=${ascii(entry.rejected)}`;
  const c = entry.components;
  return (
    `${name} p=${short(entry.probability)} u=${short(entry.utility)} m=${short(c.margin ?? 0)}` +
    ` t=${short(c.ttft ?? 0)} tp=${short(c.throughput ?? 0)} r=${short(c.reliability ?? 0)}` +
    ` l=${short(c.load ?? 0)}${c.affinity !== undefined ? ` aff=${short(c.affinity)}` : ''}${c.unhealthy ? ' down' : ''}`
  );
}

function byInterest(a: CandidateExplanation, b: CandidateExplanation): number {
  const rejectedA = a.rejected !== undefined ? 1 : 0;
  const rejectedB = b.rejected !== undefined ? 1 : 0;
  if (rejectedA !== rejectedB) return rejectedA - rejectedB;
  if (a.probability !== b.probability) return b.probability - a.probability;
  return b.utility - a.utility;
}

/** Three significant decimals without the leading zero: 0.873 → .873, 1 → 1, -0.2 → -.2. */
function short(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const text = String(Math.round(value * 1000) / 1000);
  return text.replace(/^(-?)0\./, '$1.');
}

function ascii(text: string): string {
  return text.replace(/[^\x21-\x7e]|[|]/g, '_');
}
