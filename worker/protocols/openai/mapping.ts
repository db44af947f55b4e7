// Small pure mappings between OpenAI's wire values and the canonical model.
import { tokenCount } from '../shared/token-count';
import type { Usage } from '../../core/types';
import type { FinishReason } from '../canonical';
import { isPlainObject } from '../shared/validation';
import { usageOf } from '../../core/metering';

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

export function convertOpenaiUsage(usage: unknown): Usage | null {
  if (!isPlainObject(usage)) return null;
  const prompt = isPlainObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isPlainObject(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  return usageOf({
    input_tokens: tokenCount(usage.prompt_tokens),
    output_tokens: tokenCount(usage.completion_tokens),
    cached_input_tokens: tokenCount(prompt.cached_tokens),
    reasoning_tokens: tokenCount(completion.reasoning_tokens),
  });
}

export interface OpenaiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export function toOpenaiUsage(usage: Usage): OpenaiUsage {
  const output: OpenaiUsage = {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
  if (usage.cached_input_tokens > 0) output.prompt_tokens_details = { cached_tokens: usage.cached_input_tokens };
  if (usage.reasoning_tokens > 0) output.completion_tokens_details = { reasoning_tokens: usage.reasoning_tokens };
  return output;
}
