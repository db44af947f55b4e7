// Hard constraints: each returns the reason a candidate may not serve the request, or
// undefined. They always win over weights.
import type { Candidate, ChannelScore } from '../types';
import { scoreOf } from './score-index';
import type { Binding, PlanInput, RequestProfile, RoutingPolicy } from './types';

/** The rejection reason of a candidate outside the dialect the request is bound to. */
export const BOUND_DIALECT = 'bound_dialect';

export function rejectionOf(
  candidate: Candidate,
  score: ChannelScore | undefined,
  policy: RoutingPolicy,
  profile: RequestProfile,
): string | undefined {
  const provider = policy.provider;
  if (provider !== undefined) {
    if (provider.only !== undefined && !provider.only.includes(candidate.channel_id)) {
      return 'provider.only';
    }
    if (provider.ignore !== undefined && provider.ignore.includes(candidate.channel_id)) {
      return 'provider.ignore';
    }
    if (
      provider.allow_fallbacks === false &&
      provider.order !== undefined &&
      !provider.order.includes(candidate.channel_id)
    ) {
      return 'provider.order';
    }
    const maxPrice = provider.max_price;
    if (maxPrice !== undefined) {
      if (maxPrice.prompt !== undefined && candidate.price.input_per_mtok > maxPrice.prompt) {
        return 'provider.max_price.prompt';
      }
      if (
        maxPrice.completion !== undefined &&
        candidate.price.output_per_mtok > maxPrice.completion
      ) {
        return 'provider.max_price.completion';
      }
    }
  }
  if (
    policy.max_ttft_ms !== undefined &&
    score !== undefined &&
    score.ttft_p95_ms !== null &&
    score.ttft_p95_ms > policy.max_ttft_ms
  ) {
    return 'route.max_ttft_ms';
  }
  // Indexed, not for…of: this runs per candidate per request.
  const capabilities = profile.capabilities;
  for (let position = 0; position < capabilities.length; position++) {
    const capability = capabilities[position]!;
    if (!candidate.capabilities.includes(capability)) return `capability.${capability}`;
  }
  if (candidate.context_length !== null && profile.input_tokens > candidate.context_length) {
    return 'context_length';
  }
  // Last, so that a candidate excluded for another reason shows that reason.
  if (profile.bound_dialect && candidate.dialect !== profile.bound_dialect) return BOUND_DIALECT;
  return undefined;
}

/**
 * A history with opaque reasoning state is bound to the dialect that made it: only that
 * dialect's channels can read the state back. When some candidate of the dialect passes
 * every other constraint, the input keeps the binding (rejectionOf filters the rest);
 * otherwise the binding is dropped so the request still routes (the state is stripped for
 * other dialects). Pure: returns a new input, never edits the one given.
 */
export function applyBinding(input: PlanInput): { input: PlanInput; binding: Binding | undefined } {
  const dialect = input.profile.bound_dialect;
  if (!dialect) return { input, binding: undefined };
  const usable = input.candidates.some(
    (candidate) =>
      candidate.dialect === dialect &&
      input.profile.models.includes(candidate.model) &&
      rejectionOf(candidate, scoreOf(input.scores, candidate.channel_id, candidate.model), input.policy, input.profile) === undefined,
  );
  if (usable) return { input, binding: { dialect, applied: true } };
  return { input: { ...input, profile: { ...input.profile, bound_dialect: null } }, binding: { dialect, applied: false } };
}
