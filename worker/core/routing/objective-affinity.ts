// The conversation's terms of the objective (issue 14; affinity.ts has the economics): the
// margin every candidate of a conversation is credited with, the warm channel's discount and
// cache-read speed-up, and what the two add to the utility (the explanation's `affinity`).
import type { Candidate, ChannelScore } from '../types';
import { conversationMarginUsd, expectedCachedTokens, expectedHitRate, isWarm, warmTtftMs } from './affinity';
import { ROUTING_CONSTANTS as K } from './presets';
import type { RouterSettings } from './settings';
import type { PlanInput } from './types';
import { AFFINITY_MARGIN, AFFINITY_TTFT, MARGIN, TTFT, WARM, type GroupStatistics, type Workspace } from './workspace';

/** One number of a flat row array; NaN outside it. */
function read(data: Float64Array, offset: number): number {
  return data[offset] ?? NaN;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

/**
 * A request of a conversation (affinity.ts): every candidate's margin becomes the sum of
 * this turn's and of the later turns (more for an opening turn, fewer for a late one) that
 * read this turn's prompt from its cache; the channel whose cache is still warm also gets
 * the expected discount on this turn and the cache-read speed-up on its TTFT. That credit is
 * what moving would throw away, so a conversation moves only when another channel's advantage
 * is larger.
 */
export function creditConversation(
  input: PlanInput,
  workspace: Workspace,
  candidate: Candidate,
  score: ChannelScore | undefined,
  base: number,
): void {
  const data = workspace.data;
  const conversation = input.conversation!;
  let cached = 0;
  if (isWarm(candidate, conversation, input.now)) {
    cached = expectedCachedTokens(conversation, input.profile.input_tokens, score);
    data[base + WARM] = 1;
    const ttft = read(data, base + TTFT);
    if (ttft === ttft && cached > 0) {
      const warm = warmTtftMs(ttft, score, expectedHitRate(score));
      data[base + AFFINITY_TTFT] = ttft - warm;
      data[base + TTFT] = warm;
    }
  }
  const margin = read(data, base + MARGIN);
  // The whole horizon's margin in every mode. Taken per turn in the modes other than economy,
  // balanced became stickier than performance and beat its TTFT p95 on
  // conversations-failing-channel (400 against 406 ms), breaking routing.md's "performance
  // has the lowest p95"; the sum costs balanced TTFT on conversations instead (docs/routing.md).
  const credited = conversationMarginUsd(margin, candidate, input.profile.input_tokens, cached, score, conversation.turn);
  data[base + AFFINITY_MARGIN] = credited - margin;
  data[base + MARGIN] = credited;
}

/** What the warm cache's two credits add to the utility: the components with them minus without. */
export function affinityUtility(
  data: Float64Array,
  base: number,
  group: GroupStatistics,
  settings: RouterSettings,
  margin: number,
  ttft: number,
  ttftValue: number,
): number {
  const plainMargin = clamp01(
    1 - (group.best_margin - (read(data, base + MARGIN) - read(data, base + AFFINITY_MARGIN))) / group.scale_or_one,
  );
  const plainTtft =
    (group.min_ttft_or_fill + K.ttft_offset_ms) / (ttftValue + read(data, base + AFFINITY_TTFT) + K.ttft_offset_ms);
  return settings.margin * (margin - plainMargin) + settings.ttft * (ttft - plainTtft);
}
