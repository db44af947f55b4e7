// Small pure mappings between Gemini's wire values and the canonical model.
import { tokenCount } from '../shared/token-count';
import type { Usage } from '../../core/types';
import type { FinishReason } from '../canonical';
import { isPlainObject } from '../shared/validation';
import { usageOf } from '../../core/metering';

export function mapGeminiFinishReason(reason: unknown): FinishReason | null {
  switch (reason) {
    case 'STOP':
    case 'OTHER':
    case 'FINISH_REASON_UNSPECIFIED':
    case 'LANGUAGE':
      return 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content_filter';
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
      return 'error';
    case null:
    case undefined:
      return null;
    default:
      return typeof reason === 'string' ? 'stop' : null;
  }
}

export function toGeminiFinishReason(reason: FinishReason): string {
  switch (reason) {
    case 'stop':
    case 'tool_calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    case 'error':
      return 'OTHER';
  }
}

/**
 * Gemini's candidatesTokenCount excludes thinking; canonical output includes it. The prompt
 * count includes cached content (`cachedContentTokenCount`, a cache read): clamped to the
 * input so it can never exceed it. Gemini reports no cache writes (explicit caches are
 * created through their own API, implicit ones are free to write).
 */
export function convertGeminiUsage(usage: unknown): Usage | null {
  if (!isPlainObject(usage)) return null;
  const thoughts = tokenCount(usage.thoughtsTokenCount);
  const input = tokenCount(usage.promptTokenCount) + tokenCount(usage.toolUsePromptTokenCount);
  return usageOf({
    input_tokens: input,
    output_tokens: tokenCount(usage.candidatesTokenCount) + thoughts,
    cached_input_tokens: Math.min(tokenCount(usage.cachedContentTokenCount), input),
    reasoning_tokens: thoughts,
  });
}

export interface GeminiUsage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

/** Canonical usage in Gemini's shape: cache reads as cachedContentTokenCount; cache writes have no field and stay inside promptTokenCount. */
export function toGeminiUsage(usage: Usage): GeminiUsage {
  const output: GeminiUsage = {
    promptTokenCount: usage.input_tokens,
    candidatesTokenCount: Math.max(0, usage.output_tokens - usage.reasoning_tokens),
    totalTokenCount: usage.input_tokens + usage.output_tokens,
  };
  if (usage.cached_input_tokens > 0) output.cachedContentTokenCount = Math.min(usage.cached_input_tokens, usage.input_tokens);
  if (usage.reasoning_tokens > 0) output.thoughtsTokenCount = usage.reasoning_tokens;
  return output;
}
