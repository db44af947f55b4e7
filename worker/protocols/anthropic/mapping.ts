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

/**
 * Anthropic's input_tokens excludes cache reads and writes; canonical input counts them all,
 * with reads, 5-minute writes and 1-hour writes as disjoint subsets. The write total is
 * `cache_creation_input_tokens`; `cache_creation` splits it by lifetime when present, else
 * every write is a 5-minute one (the default lifetime). `output_tokens_details.thinking_tokens`
 * is the reasoning share of the output.
 */
export function convertAnthropicUsage(usage: unknown): Usage | null {
  if (!isPlainObject(usage)) return null;
  const cacheRead = tokenCount(usage.cache_read_input_tokens);
  const split = isPlainObject(usage.cache_creation) ? usage.cache_creation : {};
  const split5m = tokenCount(split.ephemeral_5m_input_tokens);
  const split1h = tokenCount(split.ephemeral_1h_input_tokens);
  const writes = tokenCount(usage.cache_creation_input_tokens) || split5m + split1h;
  const writes1h = Math.min(split1h, writes);
  const output = tokenCount(usage.output_tokens);
  const details = isPlainObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return usageOf({
    input_tokens: tokenCount(usage.input_tokens) + cacheRead + writes,
    output_tokens: output,
    cached_input_tokens: cacheRead,
    cache_write_tokens: writes - writes1h,
    cache_write_1h_tokens: writes1h,
    reasoning_tokens: Math.min(tokenCount(details.thinking_tokens), output),
  });
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** The inverse of convertAnthropicUsage; subsets are clamped so no count is ever negative. */
export function toAnthropicUsage(usage: Usage): AnthropicUsage {
  let remaining = Math.max(0, usage.input_tokens);
  const take = (tokens: number): number => {
    const taken = Math.min(Math.max(0, tokens), remaining);
    remaining -= taken;
    return taken;
  };
  const cacheRead = take(usage.cached_input_tokens);
  const writes5m = take(usage.cache_write_tokens);
  const writes1h = take(usage.cache_write_1h_tokens);
  const output: AnthropicUsage = { input_tokens: remaining, output_tokens: Math.max(0, usage.output_tokens) };
  if (cacheRead > 0 || writes5m + writes1h > 0) {
    output.cache_creation_input_tokens = writes5m + writes1h;
    output.cache_read_input_tokens = cacheRead;
  }
  if (writes5m + writes1h > 0) output.cache_creation = { ephemeral_5m_input_tokens: writes5m, ephemeral_1h_input_tokens: writes1h };
  return output;
}
