// The usage fallback's basis for whole answers (protocols/index.ts translateResponse): the
// characters the model generated, never the length of the rendered JSON.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInbound, translateResponse, type InboundRequest, type ResponseContext } from '../protocols';

const context: ResponseContext = { request_id: 'req-1', model: 'm', created_ms: 1_800_000_000_000, channel_id: 'ch', price: { input_per_mtok: 1, output_per_mtok: 2 } };
const fixture = (dialect: string, name: string) => readFileSync(path.join(import.meta.dirname, '../protocols', dialect, 'fixtures', name), 'utf8');

function openaiChat(): InboundRequest {
  const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
  const parsed = parseInbound('openai', body, JSON.stringify(body), { operation: 'generate' });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** An OpenAI chat completion with its usage removed, as some upstreams send it. */
function withoutUsage(text: string): string {
  const { usage: _usage, ...rest } = JSON.parse(text);
  return JSON.stringify(rest);
}

describe('translateResponse output_characters', () => {
  it('same dialect without usage: the generated text and tool calls, read from the answer', () => {
    const text = withoutUsage(fixture('openai', 'chat-completion-tools.json'));
    const translated = translateResponse(openaiChat(), 'openai', text, context);
    expect(translated.ok).toBe(true);
    if (!translated.ok) return;
    expect(translated.value.usage).toBeNull();
    const message = JSON.parse(text).choices[0].message;
    const expected = (message.content ?? '').length + message.tool_calls.reduce((sum: number, call: any) => sum + call.function.name.length + call.function.arguments.length, 0);
    expect(translated.value.output_characters).toBe(expected);
    expect(translated.value.output_characters).toBeLessThan(translated.value.body.length / 2);
  });

  it('across dialects: counted from the canonical answer', () => {
    const text = fixture('gemini', 'generate-content.json');
    const translated = translateResponse(openaiChat(), 'gemini', text, context);
    expect(translated.ok).toBe(true);
    if (!translated.ok) return;
    const parts: Array<{ text?: string }> = JSON.parse(text).candidates[0].content.parts;
    expect(translated.value.output_characters).toBe(parts.reduce((sum, part) => sum + (part.text ?? '').length, 0));
  });

  it('embeddings generate nothing', () => {
    const body = { model: 'e', input: ['a', 'b'] };
    const parsed = parseInbound('openai', body, JSON.stringify(body), { operation: 'embed' });
    if (!parsed.ok) throw new Error(parsed.error.message);
    const translated = translateResponse(parsed.value, 'gemini', fixture('gemini', 'batch-embed.json'), context);
    expect(translated.ok && translated.value.output_characters).toBe(0);
    const same = translateResponse(parsed.value, 'openai', withoutUsage(fixture('openai', 'embeddings.json')), context);
    expect(same.ok && same.value.output_characters).toBe(0);
  });
});
