// Hard constraints: each returns the reason a candidate may not serve the request, or
// undefined. They always win over weights.
import type { Candidate, ChannelScore } from '../types';
import type { RequestProfile, RoutingPolicy } from './types';

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
  for (const capability of profile.capabilities) {
    if (!candidate.capabilities.includes(capability)) return `capability.${capability}`;
  }
  if (candidate.context_length !== null && profile.input_tokens > candidate.context_length) {
    return 'context_length';
  }
  return undefined;
}
