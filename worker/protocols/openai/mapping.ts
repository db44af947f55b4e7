// Small pure mappings between OpenAI's wire values and the canonical model.
import { tokenCount } from '../shared/token-count';
import type { TokenPrice, Usage } from '../../core/types';
import type { FinishReason } from '../canonical';
import { isPlainObject } from '../shared/validation';
import { usageCost, usageOf } from '../../core/metering';

export function mapOpenaiFinishReason(reason: unknown): FinishReason | null {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case null:
    case undefined:
      return null;
    default:
      return typeof reason === 'string' ? 'stop' : null;
  }
}

export function toOpenaiFinishReason(reason: FinishReason): string {
  switch (reason) {
    case 'stop':
    case 'error':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
  }
}

/**
 * OpenAI's usage → canonical. `prompt_tokens` counts every input token, cache reads included
 * (`prompt_tokens_details.cached_tokens`). Some OpenAI-compatible resellers also report cache
 * writes (`cache_write_tokens`, or Anthropic's `cache_creation_input_tokens` spelling) inside
 * prompt_tokens; OpenAI itself reports none (0). The subsets are clamped so that reads plus
 * writes never exceed the input: a count is never negative and never counted twice.
 */
export function convertOpenaiUsage(usage: unknown): Usage | null {
  if (!isPlainObject(usage)) return null;
  const prompt = isPlainObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isPlainObject(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  const input = tokenCount(usage.prompt_tokens);
  const output = tokenCount(usage.completion_tokens);
  const cached = Math.min(tokenCount(prompt.cached_tokens), input);
  const written = tokenCount(prompt.cache_write_tokens) || tokenCount(prompt.cache_creation_input_tokens) || tokenCount(usage.cache_creation_input_tokens);
  return usageOf({
    input_tokens: input,
    output_tokens: output,
    cached_input_tokens: cached,
    cache_write_tokens: Math.min(written, input - cached),
    reasoning_tokens: Math.min(tokenCount(completion.reasoning_tokens), output),
  });
}

export interface OpenaiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
  /** OpenRouter's convention: USD charged to the caller for this answer. */
  cost?: number;
}

/**
 * Canonical usage in OpenAI's shape. Cache reads are shown as `cached_tokens`; cache writes
 * have no OpenAI field and stay counted inside prompt_tokens (where canonical input_tokens
 * already holds them). With a price, `cost` is what the caller is charged (usageCost).
 */
export function toOpenaiUsage(usage: Usage, price?: TokenPrice): OpenaiUsage {
  const output: OpenaiUsage = {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
  if (usage.cached_input_tokens > 0) output.prompt_tokens_details = { cached_tokens: Math.min(usage.cached_input_tokens, usage.input_tokens) };
  if (usage.reasoning_tokens > 0) output.completion_tokens_details = { reasoning_tokens: usage.reasoning_tokens };
  if (price !== undefined) output.cost = usageCost(usage, price);
  return output;
}
