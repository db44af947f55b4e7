// What a call costs us and what we charge for it. Pure.
import type { TokenPrice, Usage } from './types';

export const EMPTY_USAGE: Usage = { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 };

/** USD for the given usage at the given per-million-token price. */
export function usageCost(usage: Usage, price: TokenPrice): number {
  const cached = Math.min(usage.cached_input_tokens, usage.input_tokens);
  const uncached = usage.input_tokens - cached;
  const cachedPrice = price.cached_input_per_mtok ?? price.input_per_mtok;
  return (uncached * price.input_per_mtok + cached * cachedPrice + usage.output_tokens * price.output_per_mtok) / 1_000_000;
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
  return usageCost({ input_tokens: inputTokens, output_tokens: maxOutputTokens, cached_input_tokens: 0, reasoning_tokens: 0 }, price);
}
