// Small pure mappings between Anthropic's wire values and the canonical model.
import { tokenCount } from '../shared/token-count';
import type { Usage } from '../../core/types';
import type { FinishReason } from '../canonical';
import { isPlainObject } from '../shared/validation';
import { usageOf } from '../../core/metering';

export function mapAnthropicStopReason(reason: unknown): FinishReason | null {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case null:
    case undefined:
      return null;
    default:
      return typeof reason === 'string' ? 'stop' : null;
  }
}

export function toAnthropicStopReason(reason: FinishReason): string {
  switch (reason) {
    case 'stop':
    case 'error':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
  }
}

/** Anthropic's input_tokens excludes cache reads and writes; canonical input counts them all. */
export function convertAnthropicUsage(usage: unknown): Usage | null {
  if (!isPlainObject(usage)) return null;
  const cacheRead = tokenCount(usage.cache_read_input_tokens);
  return usageOf({
    input_tokens: tokenCount(usage.input_tokens) + cacheRead + tokenCount(usage.cache_creation_input_tokens),
    output_tokens: tokenCount(usage.output_tokens),
    cached_input_tokens: cacheRead,
    reasoning_tokens: 0,
  });
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export function toAnthropicUsage(usage: Usage): AnthropicUsage {
  const output: AnthropicUsage = {
    input_tokens: Math.max(0, usage.input_tokens - usage.cached_input_tokens),
    output_tokens: usage.output_tokens,
  };
  if (usage.cached_input_tokens > 0) {
    output.cache_creation_input_tokens = 0;
    output.cache_read_input_tokens = usage.cached_input_tokens;
  }
  return output;
}

/** A canonical reasoning effort as an Anthropic thinking budget. */
export function budgetForEffort(effort: string | undefined): number | null {
  switch (effort) {
    case 'minimal':
      return null;
    case 'low':
      return 1024;
    case 'high':
      return 24_576;
    default:
      return 8192;
  }
}
