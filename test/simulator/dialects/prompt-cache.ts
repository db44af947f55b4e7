// Simulated prompt caching, so gateways can test cached-token pricing. A provider remembers
// the prompts it has seen (until POST /_sim/reset); a repeat is served "from cache".
//  - automatic (OpenAI, Gemini): prompts of ≥ 1024 tokens, cached in 128-token steps; the
//    whole prompt if it was seen before, else the prompt without its last message.
//  - explicit (Anthropic): only when the request has a cache_control marker; first sight
//    writes the cache (cache_creation_input_tokens), a repeat reads it.
import type { Conversation } from '../reply-plan';
import { estimateTokens } from '../text-generation';
import type { DialectContext } from './types';

export const MINIMUM_CACHEABLE_TOKENS = 1024;

export function automaticCachedTokens(conversation: Conversation, inputTokens: number, context: DialectContext): number {
  if (context.timedCache) return context.timedCache(conversation, inputTokens);
  const toolsTokens = estimateTokens(conversation.toolsText);
  const fullSeen = context.seenPrefix(`${conversation.toolsText}\u0000${conversation.promptText}`);
  const prefixSeen = context.seenPrefix(`${conversation.toolsText}\u0000${conversation.prefixText}`);
  const cacheable = fullSeen ? inputTokens : prefixSeen ? toolsTokens + estimateTokens(conversation.prefixText) : 0;
  return cacheable >= MINIMUM_CACHEABLE_TOKENS ? Math.floor(Math.min(cacheable, inputTokens) / 128) * 128 : 0;
}

export interface ExplicitCache {
  read: number;
  created: number;
}

/** `markerInLastMessage`: the breakpoint covers the whole prompt, else all but the last message. */
export function explicitCache(
  conversation: Conversation,
  inputTokens: number,
  markerInLastMessage: boolean,
  context: DialectContext,
): ExplicitCache {
  const text = markerInLastMessage ? conversation.promptText : conversation.prefixText;
  const cacheable = Math.min(inputTokens, estimateTokens(conversation.toolsText) + estimateTokens(text));
  if (cacheable < MINIMUM_CACHEABLE_TOKENS) return { read: 0, created: 0 };
  const seen = context.seenPrefix(`${conversation.toolsText}\u0000${text}`);
  return seen ? { read: cacheable, created: 0 } : { read: 0, created: cacheable };
}
