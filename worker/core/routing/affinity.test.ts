import { describe, expect, it } from 'vitest';
import {
  AFFINITY_CONSTANTS,
  cacheMarginCreditUsd,
  cacheTtlMs,
  cachedTtftFactor,
  conversationMarginUsd,
  DEFAULT_CACHE_TTL_S,
  expectedCachedTokens,
  futureTurnsAt,
  isWarm,
  warmTtftMs,
} from './affinity';
import { candidate, score } from './test-support';
import type { ConversationContext } from './types';

const conversation = (overrides: Partial<ConversationContext> = {}): ConversationContext => ({
  key: 'k',
  last_channel_id: 'a',
  last_served_at: 1_000_000,
  prefix_tokens: 4000,
  ...overrides,
});

describe('prompt-cache affinity', () => {
  it('takes the channel\'s own cache lifetime, else its dialect\'s', () => {
    expect(cacheTtlMs(candidate('a', { dialect: 'anthropic' }))).toBe(DEFAULT_CACHE_TTL_S.anthropic * 1000);
    expect(cacheTtlMs(candidate('a', { cache_ttl_s: 3600 }))).toBe(3_600_000);
    expect(cacheTtlMs(candidate('a', { cache_ttl_s: null, dialect: 'gemini' }))).toBe(300_000);
  });

  it('is warm only on the channel that served the conversation, within its lifetime', () => {
    const a = candidate('a');
    expect(isWarm(a, conversation(), 1_000_000 + 299_000)).toBe(true);
    expect(isWarm(a, conversation(), 1_000_000 + 300_000)).toBe(false);
    expect(isWarm(candidate('b'), conversation(), 1_000_100)).toBe(false);
    expect(isWarm(a, conversation({ last_channel_id: null, last_served_at: null }), 1_000_100)).toBe(false);
    expect(isWarm(a, undefined, 1_000_100)).toBe(false);
    expect(isWarm(candidate('a', { cache_ttl_s: 3600 }), conversation(), 1_000_000 + 1_000_000)).toBe(true);
  });

  it('expects the prefix times the learned hit rate, the prior when unknown', () => {
    expect(expectedCachedTokens(conversation(), 5000, score('a', { cache_hit_rate: 0.5 }))).toBe(2000);
    expect(expectedCachedTokens(conversation(), 5000, score('a'))).toBe(4000 * AFFINITY_CONSTANTS.prior_hit_rate);
    // Never more than the request's own input.
    expect(expectedCachedTokens(conversation(), 1000, score('a', { cache_hit_rate: 1 }))).toBe(1000);
  });

  it('credits our cached-rate saving, not the caller\'s discount', () => {
    const deep = candidate('a', {
      cost: { input_per_mtok: 2, output_per_mtok: 10, cached_input_per_mtok: 0.2 },
      price: { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3 },
    });
    expect(cacheMarginCreditUsd(deep, 1_000_000)).toBeCloseTo(1.8, 10);
    // A channel without a cached rate saves nothing.
    expect(cacheMarginCreditUsd(candidate('b'), 1_000_000)).toBe(0);
  });

  it('sums this turn and the later turns that read this one\'s prompt from the cache', () => {
    const a = candidate('a', { cost: { input_per_mtok: 2, output_per_mtok: 10, cached_input_per_mtok: 0.2 } });
    const noCache = candidate('b', { cost: { input_per_mtok: 1.5, output_per_mtok: 10 } });
    const perfect = score('a', { cache_hit_rate: 1 });
    // Same base margin: the channel whose cache pays comes out ahead for a conversation.
    const cold = conversationMarginUsd(0.01, a, 5000, 0, perfect);
    expect(cold).toBeGreaterThan(conversationMarginUsd(0.01, noCache, 5000, 0, perfect));
    // A sum over the turns the choice binds: this turn and future_turns later ones (turn unknown).
    expect(cold).toBeCloseTo(0.01 + AFFINITY_CONSTANTS.future_turns * (0.01 + 5000 * 1.8e-6), 12);
    expect(conversationMarginUsd(0.01, noCache, 5000, 0, perfect)).toBeCloseTo(0.01 * (1 + AFFINITY_CONSTANTS.future_turns), 12);
    // Warm: this turn's whole discount on top.
    expect(conversationMarginUsd(0.01, a, 5000, 4000, perfect)).toBeCloseTo(cold + 4000 * 1.8e-6, 12);
  });

  it('weighs an opening turn over a long horizon and a late one over the floor', () => {
    expect(futureTurnsAt(undefined)).toBe(AFFINITY_CONSTANTS.future_turns);
    expect(futureTurnsAt(1)).toBe(AFFINITY_CONSTANTS.opening_future_turns);
    expect(futureTurnsAt(2)).toBe(AFFINITY_CONSTANTS.opening_future_turns - 1);
    expect(futureTurnsAt(50)).toBe(AFFINITY_CONSTANTS.future_turns);
    expect(futureTurnsAt(0)).toBe(AFFINITY_CONSTANTS.future_turns);
    expect(futureTurnsAt(Number.NaN)).toBe(AFFINITY_CONSTANTS.future_turns);
    const a = candidate('a', { cost: { input_per_mtok: 2, output_per_mtok: 10, cached_input_per_mtok: 0.2 } });
    const b = candidate('b', { cost: { input_per_mtok: 1.5, output_per_mtok: 10, cached_input_per_mtok: 0.75 } });
    const perfect = score('a', { cache_hit_rate: 1 });
    // The deep-cache channel's lead over the cheap-list one grows with the horizon: an opening
    // turn, which decides where the conversation lives, sees it in full.
    const lead = (turn: number) => conversationMarginUsd(0.01, a, 5000, 0, perfect, turn) - conversationMarginUsd(0.011, b, 5000, 0, perfect, turn);
    expect(lead(1)).toBeGreaterThan(lead(4));
    expect(lead(4)).toBeGreaterThan(lead(20));
    expect(lead(20)).toBeCloseTo(lead(Number.NaN), 12);
  });

  it('speeds up the warm TTFT by the learned cached TTFT, the prior when unknown', () => {
    expect(cachedTtftFactor(score('a', { ttft_p50_ms: 400, cached_ttft_p50_ms: 200 }))).toBe(0.5);
    expect(cachedTtftFactor(score('a'))).toBe(AFFINITY_CONSTANTS.prior_cached_ttft_factor);
    expect(cachedTtftFactor(score('a', { ttft_p50_ms: 400, cached_ttft_p50_ms: 1 }))).toBe(AFFINITY_CONSTANTS.min_cached_ttft_factor);
    expect(warmTtftMs(1000, score('a', { ttft_p50_ms: 400, cached_ttft_p50_ms: 200 }), 1)).toBe(500);
    expect(warmTtftMs(1000, score('a', { ttft_p50_ms: 400, cached_ttft_p50_ms: 200 }), 0.5)).toBe(750);
  });
});
