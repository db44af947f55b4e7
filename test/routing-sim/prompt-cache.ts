// One channel's prompt cache in the routing simulator: per conversation, how many tokens of
// its prefix are cached and until when. Each use refreshes the lifetime (Anthropic's and
// OpenAI's behaviour); a warm prefix is really read with the channel's hit rate.
import type { RandomSource } from '../../worker/core/types';
import type { CacheSpec } from './scenario';

interface Entry {
  tokens: number;
  expires: number;
}

export class PromptCache {
  readonly #spec: CacheSpec | undefined;
  readonly #entries = new Map<string, Entry>();

  constructor(spec: CacheSpec | undefined) {
    this.#spec = spec;
  }

  /** Prefix tokens of the conversation cached right now (0: cold, or the channel caches nothing). */
  warmTokens(conversation: string, now: number): number {
    const entry = this.#entries.get(conversation);
    if (entry === undefined) return 0;
    if (entry.expires <= now) {
      this.#entries.delete(conversation);
      return 0;
    }
    return entry.tokens;
  }

  /** Cached input tokens an attempt reads: the warm prefix, when the read hits. */
  read(conversation: string, inputTokens: number, now: number, random: RandomSource): number {
    const spec = this.#spec;
    if (spec === undefined) return 0;
    const warm = this.warmTokens(conversation, now);
    if (warm === 0) return 0;
    // Only draw when the read could miss: scenarios with a perfect cache keep their random stream.
    if (spec.hit_rate < 1 && random() >= spec.hit_rate) return 0;
    return Math.min(warm, inputTokens);
  }

  /** The attempt's prompt is cached from now on (written while it was read in). */
  write(conversation: string, tokens: number, now: number): void {
    const spec = this.#spec;
    if (spec === undefined) return;
    const entry = this.#entries.get(conversation);
    const kept = entry !== undefined && entry.expires > now ? entry.tokens : 0;
    this.#entries.set(conversation, { tokens: Math.max(kept, tokens), expires: now + spec.ttl_s * 1000 });
  }

  /** TTFT multiplier for an attempt whose input has `cached` of `input` tokens cached. */
  ttftFactor(cached: number, input: number): number {
    const spec = this.#spec;
    if (spec === undefined || cached <= 0 || input <= 0) return 1;
    return 1 - (cached / input) * (1 - spec.ttft_factor);
  }
}
