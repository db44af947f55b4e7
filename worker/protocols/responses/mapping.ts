// Small pure mappings between the OpenAI Responses API's wire values and the canonical model.
import type { Usage } from '../../core/types';
import type { FinishReason } from '../canonical';
import { tokenCount } from '../shared/token-count';
import { isPlainObject } from '../shared/validation';
import { usageOf } from '../../core/metering';

/** Responses usage: input_tokens counts cache reads (like Chat's prompt_tokens). */
export function convertResponsesUsage(usage: unknown): Usage | null {
  if (!isPlainObject(usage)) return null;
  const input = isPlainObject(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const output = isPlainObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  const inputTokens = tokenCount(usage.input_tokens);
  const outputTokens = tokenCount(usage.output_tokens);
  return usageOf({
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cached_input_tokens: Math.min(tokenCount(input.cached_tokens), inputTokens),
    reasoning_tokens: Math.min(tokenCount(output.reasoning_tokens), outputTokens),
  });
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** USD charged for this answer (OpenRouter's convention), when known. */
  cost?: number;
}

/** Responses has no field for cache writes: they stay inside input_tokens, uncounted apart. */
export function toResponsesUsage(usage: Usage, cost?: number): ResponsesUsage {
  const output: ResponsesUsage = {
    input_tokens: usage.input_tokens,
    input_tokens_details: { cached_tokens: usage.cached_input_tokens },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
  if (cost !== undefined) output.cost = cost;
  return output;
}

/**
 * A response's terminal state as a canonical finish reason: `completed` is a stop (or tool
 * calls, when the output holds any), `incomplete` names its reason.
 */
export function mapResponsesStatus(status: unknown, incompleteReason: unknown, hasToolCalls: boolean): FinishReason | null {
  switch (status) {
    case 'completed':
      return hasToolCalls ? 'tool_calls' : 'stop';
    case 'incomplete':
      return incompleteReason === 'content_filter' ? 'content_filter' : 'length';
    case 'failed':
    case 'cancelled':
      return 'error';
    default:
      return null;
  }
}

/** A canonical finish reason as a Responses status and incomplete_details. */
export function toResponsesStatus(reason: FinishReason): { status: 'completed' | 'incomplete'; incomplete_details: { reason: string } | null } {
  switch (reason) {
    case 'length':
      return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
    case 'content_filter':
      return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
    case 'stop':
    case 'tool_calls':
    case 'error':
      return { status: 'completed', incomplete_details: null };
  }
}
