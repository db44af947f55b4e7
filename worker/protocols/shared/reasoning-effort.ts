// The one table between reasoning effort levels (OpenAI's reasoning_effort, Responses'
// reasoning.effort, Anthropic's output_config.effort) and thinking token budgets (Anthropic's
// thinking.budget_tokens, Gemini's thinkingBudget). docs/compatibility.md describes it:
// low 1024, medium 8192, high 24576, minimal → no thinking; a budget back to an effort:
// < 4096 low, < 16384 medium, else high.
import type { ReasoningConfig, ReasoningEffort } from '../canonical';

const BUDGETS: Record<ReasoningEffort, number | null> = { minimal: null, low: 1024, medium: 8192, high: 24_576 };

/** The thinking budget for an effort (none given: medium); null means no thinking at all. */
export function budgetForEffort(effort: ReasoningEffort | undefined): number | null {
  return BUDGETS[effort ?? 'medium'];
}

/** A thinking budget as a coarse effort level (none given: medium). */
export function effortForBudget(budget: number | undefined): ReasoningEffort {
  if (budget === undefined) return 'medium';
  if (budget < 4096) return 'low';
  if (budget < 16384) return 'medium';
  return 'high';
}

/**
 * A wire effort name as canonical. Canonical has no level above 'high', so `xhigh` and `max`
 * become 'high'; `none` (or no name) is no reasoning; a name we do not know yet is 'medium',
 * the middle.
 */
export function effortFromName(name: unknown): ReasoningEffort | null {
  switch (name) {
    case 'none':
    case null:
    case undefined:
      return null;
    case 'minimal':
    case 'low':
    case 'medium':
    case 'high':
      return name;
    case 'xhigh':
    case 'max':
      return 'high';
    default:
      return 'medium';
  }
}

/** A wire effort name as the canonical reasoning request (OpenAI's and Responses' reasoning fields). */
export function reasoningForEffort(name: unknown): ReasoningConfig | null {
  const effort = effortFromName(name);
  return effort === null ? null : { effort };
}
