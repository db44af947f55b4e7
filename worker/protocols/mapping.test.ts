// Table tests for the small mapping functions of every dialect.
import { describe, expect, it } from 'vitest';
import { convertAnthropicUsage, mapAnthropicStopReason, toAnthropicStopReason, toAnthropicUsage } from './anthropic/mapping';
import type { FinishReason } from './canonical';
import { convertGeminiUsage, mapGeminiFinishReason, toGeminiFinishReason, toGeminiUsage } from './gemini/mapping';
import { convertOpenaiUsage, mapOpenaiFinishReason, toOpenaiFinishReason, toOpenaiUsage } from './openai/mapping';
import { effortForBudget } from './shared/reasoning-effort';
import { imageFromUrl, mediaTypeFromUrl } from './shared/images';
import { deriveId } from './shared/ids';
import { usageOf } from '../core/metering';

describe('finish reasons', () => {
  it.each([
    ['stop', 'stop'], ['length', 'length'], ['tool_calls', 'tool_calls'], ['function_call', 'tool_calls'], ['content_filter', 'content_filter'], [null, null], [undefined, null], [5, null],
  ])('openai %s → %s', (wire, canonical) => expect(mapOpenaiFinishReason(wire)).toBe(canonical));

  it.each([
    ['end_turn', 'stop'], ['stop_sequence', 'stop'], ['pause_turn', 'stop'], ['max_tokens', 'length'], ['model_context_window_exceeded', 'length'], ['tool_use', 'tool_calls'], ['refusal', 'content_filter'], [null, null],
  ])('anthropic %s → %s', (wire, canonical) => expect(mapAnthropicStopReason(wire)).toBe(canonical));

  it.each([
    ['STOP', 'stop'], ['MAX_TOKENS', 'length'], ['SAFETY', 'content_filter'], ['RECITATION', 'content_filter'], ['PROHIBITED_CONTENT', 'content_filter'], ['MALFORMED_FUNCTION_CALL', 'error'], ['OTHER', 'stop'], [undefined, null],
  ])('gemini %s → %s', (wire, canonical) => expect(mapGeminiFinishReason(wire)).toBe(canonical));

  it.each([
    ['stop', 'stop', 'end_turn', 'STOP'],
    ['length', 'length', 'max_tokens', 'MAX_TOKENS'],
    ['tool_calls', 'tool_calls', 'tool_use', 'STOP'],
    ['content_filter', 'content_filter', 'refusal', 'SAFETY'],
    ['error', 'stop', 'end_turn', 'OTHER'],
  ] as [FinishReason, string, string, string][])('canonical %s → openai %s, anthropic %s, gemini %s', (canonical, openai, anthropic, gemini) => {
    expect(toOpenaiFinishReason(canonical)).toBe(openai);
    expect(toAnthropicStopReason(canonical)).toBe(anthropic);
    expect(toGeminiFinishReason(canonical)).toBe(gemini);
  });
});

describe('usage', () => {
  const usage = usageOf({ input_tokens: 100, output_tokens: 50, cached_input_tokens: 60, reasoning_tokens: 20 });

  it('openai round trip', () => {
    const wire = toOpenaiUsage(usage);
    expect(wire).toEqual({ prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, prompt_tokens_details: { cached_tokens: 60 }, completion_tokens_details: { reasoning_tokens: 20 } });
    expect(convertOpenaiUsage(wire)).toEqual(usage);
  });

  it('anthropic counts cache reads and writes as input; reasoning is not reported', () => {
    expect(convertAnthropicUsage({ input_tokens: 10, cache_read_input_tokens: 60, cache_creation_input_tokens: 30, output_tokens: 50 })).toEqual(
      usageOf({ input_tokens: 100, output_tokens: 50, cached_input_tokens: 60, cache_write_tokens: 30 }),
    );
    expect(toAnthropicUsage(usage)).toEqual({ input_tokens: 40, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 60 });
  });

  it('gemini adds thoughts to output', () => {
    const wire = toGeminiUsage(usage);
    expect(wire).toEqual({ promptTokenCount: 100, candidatesTokenCount: 30, totalTokenCount: 150, cachedContentTokenCount: 60, thoughtsTokenCount: 20 });
    expect(convertGeminiUsage(wire)).toEqual(usage);
  });

  it('openai cache reads, and cache writes reported by OpenAI-compatible resellers, are subsets of prompt_tokens', () => {
    expect(convertOpenaiUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 30 } })).toEqual(
      usageOf({ input_tokens: 100, output_tokens: 5, cached_input_tokens: 60, cache_write_tokens: 30 }),
    );
    expect(convertOpenaiUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cache_creation_input_tokens: 40 } })).toMatchObject({ cache_write_tokens: 40 });
    expect(convertOpenaiUsage({ prompt_tokens: 100, completion_tokens: 5, cache_creation_input_tokens: 40 })).toMatchObject({ cache_write_tokens: 40 });
  });

  it('never a negative count and never counted twice: reads then writes are clamped to the input', () => {
    const read = convertOpenaiUsage({ prompt_tokens: 50, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 80, cache_write_tokens: 30 } });
    expect(read).toMatchObject({ input_tokens: 50, cached_input_tokens: 50, cache_write_tokens: 0 });
    const written = convertOpenaiUsage({ prompt_tokens: 50, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 20, cache_write_tokens: 99 } });
    expect(written).toMatchObject({ cached_input_tokens: 20, cache_write_tokens: 30 });
    expect(convertOpenaiUsage({ prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: -5 }, completion_tokens_details: { reasoning_tokens: 9 } })).toMatchObject({
      cached_input_tokens: 0,
      reasoning_tokens: 2,
    });
    expect(convertGeminiUsage({ promptTokenCount: 10, cachedContentTokenCount: 30, candidatesTokenCount: 1 })).toMatchObject({ input_tokens: 10, cached_input_tokens: 10 });
  });

  it('cache writes stay inside prompt_tokens / promptTokenCount: neither format has a field for them', () => {
    const written = usageOf({ input_tokens: 100, output_tokens: 5, cached_input_tokens: 20, cache_write_tokens: 30, cache_write_1h_tokens: 10 });
    expect(toOpenaiUsage(written)).toEqual({ prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 20 } });
    expect(toGeminiUsage(written)).toEqual({ promptTokenCount: 100, candidatesTokenCount: 5, totalTokenCount: 105, cachedContentTokenCount: 20 });
  });

  it('openai usage carries cost when a price is given (OpenRouter convention)', () => {
    const price = { input_per_mtok: 1, output_per_mtok: 2, cached_input_per_mtok: 0.5 };
    expect(toOpenaiUsage(usageOf({ input_tokens: 1_000_000, cached_input_tokens: 400_000, output_tokens: 1_000_000 }), price).cost).toBeCloseTo(2.8, 10);
    expect(toOpenaiUsage(usage)).not.toHaveProperty('cost');
  });

  it.each([null, 'x', [], { prompt_tokens: 'many' }])('bad usage %j is null or zero', (wire) => {
    const converted = convertOpenaiUsage(wire);
    if (converted) expect(converted.input_tokens).toBe(0);
  });
});

describe('small helpers', () => {
  it.each([
    ['data:image/png;base64,AAAA', { kind: 'base64', media_type: 'image/png', data: 'AAAA' }],
    ['data:image/jpeg;name=x.jpg;base64,BBBB', { kind: 'base64', media_type: 'image/jpeg', data: 'BBBB' }],
    ['https://x.test/a.png', { kind: 'url', url: 'https://x.test/a.png' }],
  ])('image url %s', (url, source) => expect(imageFromUrl(url)).toEqual(source));

  it.each([['https://x/a.PNG', 'image/png'], ['https://x/a.webp?x=1', 'image/webp'], ['https://x/a', 'image/jpeg']])('media type of %s', (url, type) =>
    expect(mediaTypeFromUrl(url)).toBe(type),
  );

  it.each([[1024, 'low'], [8000, 'medium'], [20000, 'high'], [undefined, 'medium']])('budget %s → effort %s', (budget, effort) =>
    expect(effortForBudget(budget)).toBe(effort),
  );

  it('derived ids are stable, prefixed and distinct', () => {
    expect(deriveId('msg_', 'r1')).toBe(deriveId('msg_', 'r1'));
    expect(deriveId('msg_', 'r1')).not.toBe(deriveId('msg_', 'r2'));
    expect(deriveId('call_', 'r1', 'a')).not.toBe(deriveId('call_', 'r1', 'b'));
    expect(deriveId('toolu_', 'r1')).toMatch(/^toolu_[A-Za-z0-9]{24}$/);
  });
});
