// Prompt-cache affinity (issue 14): which channel's cache is still warm for a conversation,
// how many of the next request's input tokens it should serve from that cache, and what that
// is worth in margin and in time to first token. Pure; shared by the planner (objective.ts),
// the worker (cache_state in the log) and the routing simulator.
import type { Candidate, ChannelScore, Protocol, TokenPrice } from '../types';
import type { ConversationContext } from './types';

/**
 * How long a prefix stays cached after its last use, by upstream dialect, when the channel
 * sets no cache_ttl_s. Anthropic documents 5 minutes (refreshed by each hit); OpenAI
 * "5 to 10 minutes of inactivity" (we take the lower bound); Gemini's implicit cache has no
 * documented lifetime, so the same conservative 5 minutes. A longer real lifetime only costs
 * a few missed credits; a shorter one would credit caches that are gone.
 */
export const DEFAULT_CACHE_TTL_S: Readonly<Record<Protocol, number>> = {
  anthropic: 300,
  openai: 300,
  'openai-responses': 300,
  gemini: 300,
};

export const AFFINITY_CONSTANTS = {
  /**
   * Share of a warm prefix assumed to be read from the cache when the channel has no learned
   * cache_hit_rate yet: providers drop cache entries under pressure, so not 1.
   */
  prior_hit_rate: 0.8,
  /** Cached TTFT / uncached TTFT assumed when the channel has no learned cached_ttft_p50_ms. */
  prior_cached_ttft_factor: 0.8,
  /** A learned factor is never taken below this: a few lucky samples must not promise miracles. */
  min_cached_ttft_factor: 0.2,
  /**
   * Later turns assumed to follow a turn, each reading the cache this one writes, when the
   * turn is unknown, and the least assumed for a late turn: chats run several turns and
   * agents dozens, so 2 is a conservative floor.
   */
  future_turns: 2,
  /**
   * Later turns assumed to follow an opening turn (ConversationContext.turn = 1); each later
   * turn assumes one fewer, down to future_turns. A prior, not learned: the planner sees one
   * request, and what it would learn from (the lengths of the isolate's conversations) has no
   * place in PlanInput. In the simulator any value from 5 to 10 meets issue 14's criteria
   * (docs/routing.md); 7 is a chat of 8 turns.
   */
  opening_future_turns: 7,
} as const;

/**
 * How many later turns a conversation at `turn` (1-based) is expected to have on the channel
 * it is placed on: many for an opening turn, which decides where the conversation will live,
 * few for a late one, whose conversation is nearly over. Unknown turn: future_turns.
 */
export function futureTurnsAt(turn: number | undefined): number {
  const floor = AFFINITY_CONSTANTS.future_turns;
  if (turn === undefined || !(turn >= 1)) return floor;
  return Math.max(floor, AFFINITY_CONSTANTS.opening_future_turns + 1 - Math.floor(turn));
}

type CacheTtlSource = Pick<Candidate, 'dialect' | 'cache_ttl_s'>;

/** The candidate's cache lifetime in ms: its own cache_ttl_s, else its dialect's default. */
export function cacheTtlMs(candidate: CacheTtlSource): number {
  const own = candidate.cache_ttl_s;
  const seconds = own !== undefined && own !== null && own >= 0 ? own : (DEFAULT_CACHE_TTL_S[candidate.dialect] ?? 300);
  return seconds * 1000;
}

/** True when the conversation's latest turn went to this channel within its cache lifetime. */
export function isWarm(
  candidate: Pick<Candidate, 'channel_id' | 'dialect' | 'cache_ttl_s'>,
  conversation: ConversationContext | null | undefined,
  now: number,
): boolean {
  if (conversation === undefined || conversation === null) return false;
  if (conversation.last_channel_id !== candidate.channel_id || conversation.last_served_at === null) return false;
  const age = now - conversation.last_served_at;
  return age >= 0 && age < cacheTtlMs(candidate);
}

/** The share of a warm prefix the channel really serves from cache: learned, else the prior. */
export function expectedHitRate(score: ChannelScore | undefined): number {
  const learned = score?.cache_hit_rate;
  return learned !== undefined && learned !== null && learned >= 0 ? Math.min(1, learned) : AFFINITY_CONSTANTS.prior_hit_rate;
}

/** Expected cached input tokens of the next request on a warm channel. */
export function expectedCachedTokens(
  conversation: ConversationContext,
  inputTokens: number,
  score: ChannelScore | undefined,
): number {
  const prefix = Math.max(0, Math.min(conversation.prefix_tokens, inputTokens));
  return prefix * expectedHitRate(score);
}

/** What a cached input token saves, USD per token, at a price (0 when no cached rate is set). */
export function cachedTokenDiscount(price: TokenPrice): number {
  const cached = price.cached_input_per_mtok ?? price.input_per_mtok;
  return Math.max(0, price.input_per_mtok - cached) * 1e-6;
}

/**
 * The margin a warm cache adds, USD: what the channel's cached rate saves us on the expected
 * cached tokens. The caller's own cached discount (the catalog's cached_input_per_mtok) is
 * deliberately not subtracted: it is owed to the caller on whichever channel reads the cache,
 * so it does not tell channels apart, and counting it would make a router earn margin by
 * breaking conversations' caches so that callers pay the full price again. (The simulator's
 * reported margin does include it: that is what the operator really earns.)
 */
export function cacheMarginCreditUsd(candidate: Pick<Candidate, 'cost'>, cachedTokens: number): number {
  return cachedTokenDiscount(candidate.cost) * Math.max(0, cachedTokens);
}

/**
 * The margin a conversation earns on a channel over the turns this decision places there:
 * this turn's margin (with the warm cache's discount when the channel's cache is warm) plus
 * futureTurnsAt(turn) later turns that read this turn's whole prompt from the channel's
 * cache. A sum, not a mean: choosing a channel for a conversation binds all those turns, so
 * its margin differences weigh that many times against one turn's speed and reliability
 * (a mean let a fast channel with a poor cached rate win conversations it loses money on).
 * A conversation thereby settles where caching pays, and moving one costs the warm discount
 * of this turn only.
 */
export function conversationMarginUsd(
  baseMarginUsd: number,
  candidate: Pick<Candidate, 'cost'>,
  inputTokens: number,
  warmCachedTokens: number,
  score: ChannelScore | undefined,
  turn?: number,
): number {
  const thisTurn = baseMarginUsd + cacheMarginCreditUsd(candidate, warmCachedTokens);
  const laterTurn = baseMarginUsd + cacheMarginCreditUsd(candidate, Math.max(0, inputTokens) * expectedHitRate(score));
  return thisTurn + futureTurnsAt(turn) * laterTurn;
}

/** Cached TTFT as a share of uncached TTFT: learned (cached p50 / p50), else the prior. */
export function cachedTtftFactor(score: ChannelScore | undefined): number {
  const cached = score?.cached_ttft_p50_ms;
  const plain = score?.ttft_p50_ms;
  if (cached === undefined || cached === null || plain === undefined || plain === null || !(plain > 0)) {
    return AFFINITY_CONSTANTS.prior_cached_ttft_factor;
  }
  return Math.min(1, Math.max(AFFINITY_CONSTANTS.min_cached_ttft_factor, cached / plain));
}

/**
 * Expected TTFT on a warm channel: with probability `hitRate` the cache is read and the first
 * token comes at the cached speed (the learned factor already reflects a typical cached share).
 */
export function warmTtftMs(ttftMs: number, score: ChannelScore | undefined, hitRate: number): number {
  const rate = Math.max(0, Math.min(1, hitRate));
  return ttftMs * (1 - rate * (1 - cachedTtftFactor(score)));
}
