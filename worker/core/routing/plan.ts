// The router: candidates, scores, live signals, policy and a random source in; an ordered
// attempt list with its explanation out. Pure: no I/O, no clock, no mutation of inputs,
// randomness only through input.random. See docs/routing.md for the objective.
//
// Its scratch memory comes from a pool (workspace.ts) and goes back before plan returns:
// allocating it per call was most of a plan's cost. What the plan's explanation and decision
// record need is copied out first (rows.ts), so no later plan can change what this one says:
// the decision record's candidates always, every candidate when input.explain is set.
import { orderAttempts } from './attempts';
import { applyBinding } from './constraints';
import { explain } from './explain';
import { measure } from './objective';
import { captureRows } from './rows';
import { settingsOf } from './settings';
import type { Candidate } from '../types';
import type { PlanRows } from './rows';
import type { CandidateExplanation, Plan, PlanInput, PlanSummary } from './types';
import { borrowWorkspace, releaseWorkspace } from './workspace';

export function plan(given: PlanInput): Plan {
  const { input, binding } = applyBinding(given);
  const settings = settingsOf(input.policy);
  const workspace = borrowWorkspace(input.candidates.length, input.profile.models.length);
  let ordering: ReturnType<typeof orderAttempts>;
  let rows: ReturnType<typeof captureRows>;
  try {
    measure(input, settings, workspace);
    ordering = orderAttempts(input, workspace, settings);
    const first = ordering.attempts[0];
    rows = captureRows(input.candidates, workspace, first === undefined ? -1 : input.candidates.indexOf(first), input.explain === true);
  } finally {
    // Also when input.random throws: a workspace is never lost to the pool, never shared.
    releaseWorkspace(workspace);
  }
  const summary: PlanSummary = {
    mode: settings.mode,
    weights: {
      margin: settings.margin,
      ttft: settings.ttft,
      throughput: settings.throughput,
      reliability: settings.reliability,
    },
    temperature: settings.temperature,
    exploration: ordering.exploration,
    rule: ordering.rule,
    first_model: ordering.first_model,
  };
  // Assigned, not spread in: spreading a conditional `{}` copied an object generically per plan.
  const sort = input.policy.provider?.sort;
  if (ordering.rule === 'sort' && sort !== undefined) summary.sort = sort;
  if (binding) summary.binding = binding;
  return new RoutedPlan(ordering.attempts, summary, rows);
}

/**
 * A plan whose explanation is built on first read (most requests never ask for it). A class,
 * not a literal with a getter: such a literal cost a runtime call and a closure per plan.
 */
class RoutedPlan implements Plan {
  #explanation: CandidateExplanation[] | undefined;

  constructor(
    readonly attempts: Candidate[],
    readonly summary: PlanSummary,
    readonly rows: PlanRows,
  ) {}

  get explanation(): CandidateExplanation[] {
    this.#explanation ??= explain(this.rows);
    return this.#explanation;
  }
}

export { formatExplanation } from './explain';
