// The router: candidates, scores, live signals, policy and a random source in; an ordered
// attempt list with its explanation out. Pure: no I/O, no clock, no mutation of inputs,
// randomness only through input.random. See docs/routing.md for the objective.
import { orderAttempts } from './attempts';
import { applyBinding } from './constraints';
import { explain } from './explain';
import { measure } from './objective';
import { settingsOf } from './settings';
import type { CandidateExplanation, Plan, PlanInput, PlanSummary } from './types';

export function plan(given: PlanInput): Plan {
  const { input, binding } = applyBinding(given);
  const settings = settingsOf(input.policy);
  const workspace = measure(input, settings);
  const ordering = orderAttempts(input, workspace, settings);
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
    ...(binding ? { binding } : {}),
  };
  let explanation: CandidateExplanation[] | undefined;
  return {
    attempts: ordering.attempts,
    // Built on first read: most requests never ask for it. The workspace is this plan's own,
    // so reading it later (after other plans) gives the same answer.
    get explanation(): CandidateExplanation[] {
      explanation ??= explain(input.candidates, workspace);
      return explanation;
    },
    summary,
  };
}

export { formatExplanation } from './explain';
