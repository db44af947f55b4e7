// What a call costs us and what we charge for it. Pure.
import type { TokenPrice, Usage } from './types';

export const EMPTY_USAGE: Usage = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  cached_input_tokens: 0,
  cache_write_tokens: 0,
  cache_write_1h_tokens: 0,
  reasoning_tokens: 0,
});

/** A Usage with the given counts and zeros elsewhere. */
export function usageOf(counts: Partial<Usage>): Usage {
  return { ...EMPTY_USAGE, ...counts };
}

/**
 * USD for the given usage at the given per-million-token price. Cache reads, 5-minute and
 * 1-hour cache writes are each priced at their own rate; the uncached rest at the input
 * rate. The subsets are clamped so that a malformed usage can never make a negative count.
 */
export function usageCost(usage: Usage, price: TokenPrice): number {
  let remaining = Math.max(0, usage.input_tokens);
  const take = (tokens: number): number => {
    const taken = Math.min(Math.max(0, tokens), remaining);
    remaining -= taken;
    return taken;
  };
  const cached = take(usage.cached_input_tokens);
  const written = take(usage.cache_write_tokens);
  const written1h = take(usage.cache_write_1h_tokens);
  const cachedPrice = price.cached_input_per_mtok ?? price.input_per_mtok;
  const writePrice = price.cache_write_per_mtok ?? price.input_per_mtok;
  const write1hPrice = price.cache_write_1h_per_mtok ?? writePrice;
  return (
    (remaining * price.input_per_mtok +
      cached * cachedPrice +
      written * writePrice +
      written1h * write1hPrice +
      Math.max(0, usage.output_tokens) * price.output_per_mtok) /
    1_000_000
  );
}

/**
 * The documented estimate used when an upstream reports no usage: about four characters
 * per token (OpenAI's rule of thumb for English), never less than one token per message.
 */
export function estimateTokensFromText(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}

/** The most a request could cost the caller: its input plus its largest possible output. */
export function maximumCharge(inputTokens: number, maxOutputTokens: number, price: TokenPrice): number {
  // Cache writes can cost more than plain input (Anthropic: 1.25× and 2×): reserve at the dearest input rate.
  const inputRate = Math.max(price.input_per_mtok, price.cache_write_per_mtok ?? 0, price.cache_write_1h_per_mtok ?? 0);
  return usageCost(usageOf({ input_tokens: inputTokens, output_tokens: maxOutputTokens }), { ...price, input_per_mtok: inputRate });
}
