import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../core/metering';
import { readResponsesResponse } from './response-read';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('readResponsesResponse', () => {
  it('reads a text answer with its usage', () => {
    const read = readResponsesResponse(fixture('response-text.json'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value.parts).toHaveLength(1);
    expect(read.value.parts[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/^In a peaceful grove/) });
    expect(read.value.finish_reason).toBe('stop');
    expect(read.value.usage).toEqual(usageOf({ input_tokens: 36, output_tokens: 87 }));
  });

  it('reads parallel function calls by call_id, finishing with tool_calls', () => {
    const read = readResponsesResponse(fixture('response-function-call.json'));
    expect(read.ok && read.value.parts).toEqual([
      { type: 'tool-call', id: 'call_unLAR8MvFNptuiZK6K6HCy5k', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
      { type: 'tool-call', id: 'call_YcQ1wXGk2cS5cBqv1xkqKuF8', name: 'get_weather', arguments: '{"location":"Bogotá, Colombia"}' },
    ]);
    expect(read.ok && read.value.finish_reason).toBe('tool_calls');
  });

  it('reads reasoning summaries and keeps the encrypted state with its item id', () => {
    const read = readResponsesResponse(fixture('response-reasoning.json'));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const [reasoning, text] = read.value.parts;
    expect(reasoning).toEqual({
      type: 'reasoning',
      text: '**Checking the arithmetic**\n\nThe user asks whether 3 + 5 is prime.\n\n**Answering**\n\n8 is divisible by 2, so it is not prime.',
      state: {
        dialect: 'openai-responses',
        value: expect.stringMatching(/^gAAAAABpZPfnHaDo.*==$/),
        kind: 'encrypted',
        id: 'rs_0e172b76542a9100016964f7e6c200819190235d871bc889a0',
      },
    });
    expect(text).toEqual({ type: 'text', text: 'No. 3 + 5 = 8, and 8 is divisible by 2, so it is not a prime number.' });
    expect(read.value.usage).toEqual(usageOf({ input_tokens: 31, output_tokens: 214, reasoning_tokens: 192 }));
  });

  it('reads an answer cut at max_output_tokens as a length finish', () => {
    const read = readResponsesResponse(fixture('response-incomplete.json'));
    expect(read.ok && read.value.finish_reason).toBe('length');
    expect(read.ok && read.value.parts).toEqual([{ type: 'text', text: 'Once upon a time, in a quiet village nestled between rolling hills, there' }]);
  });

  it('returns a failed response as the upstream error', () => {
    const read = readResponsesResponse(fixture('response-failed.json'));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error).toMatchObject({ kind: 'upstream', message: expect.stringContaining('The model failed to generate a response.') });
  });

  it('takes raw reasoning text over summaries, refusals as text, and skips hosted-tool items', () => {
    const body = {
      status: 'completed',
      output: [
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'weather' } },
        { type: 'reasoning', id: 'rs_2', summary: [{ type: 'summary_text', text: 'short' }], content: [{ type: 'reasoning_text', text: 'long raw thought' }] },
        { type: 'reasoning', id: 'rs_3', summary: [] },
        { type: 'message', role: 'assistant', content: [{ type: 'refusal', refusal: "I can't help with that." }] },
      ],
      usage: null,
    };
    const read = readResponsesResponse(JSON.stringify(body));
    expect(read.ok && read.value).toEqual({
      parts: [
        { type: 'reasoning', text: 'long raw thought' },
        { type: 'text', text: "I can't help with that." },
      ],
      finish_reason: 'stop',
      usage: null,
    });
  });

  it.each(['not json', '[1,2]', '{"status":"completed"}'])('rejects an unreadable body (%s) as a malformed upstream', (text) => {
    const read = readResponsesResponse(text);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatchObject({ kind: 'upstream', status: 502 });
  });
});
