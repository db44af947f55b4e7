import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../core/metering';
import type { CanonicalStreamEvent } from '../canonical';
import type { SourceEvent } from '../types';
import { createPassthroughStream } from '../shared/stream-translator';
import { createResponsesStreamDecoder } from './stream-decoder';

/** `*.chunks.txt`: one `event<TAB>data` line per SSE event. */
function chunks(name: string): SourceEvent[] {
  return readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      return { event: line.slice(0, tab), data: line.slice(tab + 1) };
    });
}

function decode(events: SourceEvent[]): { events: CanonicalStreamEvent[]; clean: boolean } {
  const decoder = createResponsesStreamDecoder();
  const output: CanonicalStreamEvent[] = [];
  for (const event of events) output.push(...decoder.push(event));
  const clean = decoder.endsCleanly();
  output.push(...decoder.end());
  return { events: output, clean };
}

const data = (value: unknown): SourceEvent => ({ data: JSON.stringify(value) });

describe('createResponsesStreamDecoder', () => {
  it('decodes a text stream: start, deltas, usage, finish', () => {
    const { events, clean } = decode(chunks('stream-text.chunks.txt'));
    expect(events[0]).toEqual({ type: 'message-start' });
    const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toBe('Why did the scarecrow win an award?\n\nBecause he was outstanding in his field!');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: usageOf({ input_tokens: 11, output_tokens: 18 }) },
      { type: 'finish', finish_reason: 'stop' },
    ]);
    expect(events.filter((event) => event.type === 'message-start')).toHaveLength(1);
    expect(clean).toBe(true);
  });

  it('numbers parallel tool calls by ordinal and streams their argument deltas', () => {
    const { events } = decode(chunks('stream-function-call.chunks.txt'));
    const calls = events.filter((event) => event.type.startsWith('tool-call'));
    expect(calls[0]).toEqual({ type: 'tool-call-start', index: 0, id: 'call_unLAR8MvFNptuiZK6K6HCy5k', name: 'get_weather' });
    const argumentsOf = (index: number): string =>
      calls.flatMap((event) => (event.type === 'tool-call-delta' && event.index === index ? [event.arguments] : [])).join('');
    expect(argumentsOf(0)).toBe('{"location":"Paris, France"}');
    expect(argumentsOf(1)).toBe('{"location":"Bogotá, Colombia"}');
    expect(calls.filter((event) => event.type === 'tool-call-start').map((event) => event.type === 'tool-call-start' && event.id)).toEqual([
      'call_unLAR8MvFNptuiZK6K6HCy5k',
      'call_YcQ1wXGk2cS5cBqv1xkqKuF8',
    ]);
    // Each call ends exactly once, before the next starts; the stream finishes with tool_calls.
    expect(calls.filter((event) => event.type !== 'tool-call-delta').map((event) => `${event.type}:${'index' in event ? event.index : ''}`)).toEqual([
      'tool-call-start:0',
      'tool-call-end:0',
      'tool-call-start:1',
      'tool-call-end:1',
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', finish_reason: 'tool_calls' });
  });

  it('decodes reasoning summaries (paragraph per summary) and the final encrypted state', () => {
    const { events } = decode(chunks('stream-reasoning.chunks.txt'));
    const reasoning = events.flatMap((event) => (event.type === 'reasoning-delta' ? [event.text] : [])).join('');
    expect(reasoning).toBe('**Checking the arithmetic**\n\nThe user asks whether 3 + 5 is prime.\n\n**Answering**\n\n8 is divisible by 2, so it is not prime.');
    const states = events.filter((event) => event.type === 'reasoning-state');
    // Only output_item.done's encrypted_content is complete: the one in .added is ignored.
    expect(states).toEqual([
      {
        type: 'reasoning-state',
        state: { dialect: 'openai-responses', value: expect.stringMatching(/^gAAAAABpZPfnHaDo/), kind: 'encrypted', id: 'rs_0e172b76542a9100016964f7e6c200819190235d871bc889a0' },
      },
    ]);
    const stateAt = events.findIndex((event) => event.type === 'reasoning-state');
    const firstText = events.findIndex((event) => event.type === 'text-delta');
    expect(stateAt).toBeLessThan(firstText);
    expect(events.at(-2)).toEqual({ type: 'usage', usage: usageOf({ input_tokens: 31, output_tokens: 214, reasoning_tokens: 192 }) });
  });

  it('turns response.failed into an error and never ends cleanly', () => {
    const { events, clean } = decode(chunks('stream-failed.chunks.txt'));
    expect(events.map((event) => event.type)).toEqual(['message-start', 'text-delta', 'error']);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream', message: expect.stringContaining('The model failed') } });
    expect(clean).toBe(false);
  });

  it('turns the error event into an error', () => {
    const { events, clean } = decode(chunks('stream-error.chunks.txt'));
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'upstream', message: expect.stringContaining('Rate limit reached') } });
    expect(clean).toBe(false);
  });

  it('maps response.incomplete to a length finish with its usage', () => {
    const decoder = createResponsesStreamDecoder();
    const events = [
      ...decoder.push(data({ type: 'response.created', response: { id: 'resp_1', status: 'in_progress' }, sequence_number: 0 })),
      ...decoder.push(data({ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Once', sequence_number: 1 })),
      ...decoder.push(
        data({
          type: 'response.incomplete',
          response: { id: 'resp_1', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { input_tokens: 5, output_tokens: 16 } },
          sequence_number: 2,
        }),
      ),
    ];
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: usageOf({ input_tokens: 5, output_tokens: 16 }) },
      { type: 'finish', finish_reason: 'length' },
    ]);
    expect(decoder.endsCleanly()).toBe(true);
  });

  it('sends arguments that arrive only whole as one delta, and refusals as text', () => {
    const decoder = createResponsesStreamDecoder();
    const item = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '' };
    const events = [
      ...decoder.push(data({ type: 'response.output_item.added', item, output_index: 0 })),
      ...decoder.push(data({ type: 'response.function_call_arguments.done', item_id: 'fc_1', output_index: 0, arguments: '{"q":1}' })),
      ...decoder.push(data({ type: 'response.output_item.done', item: { ...item, arguments: '{"q":1}' }, output_index: 0 })),
      ...decoder.push(data({ type: 'response.refusal.delta', item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'No.' })),
    ];
    expect(events).toEqual([
      { type: 'message-start' },
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'lookup' },
      { type: 'tool-call-delta', index: 0, arguments: '{"q":1}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'text-delta', text: 'No.' },
    ]);
  });

  it('maps deltas by output_index when item_id is missing, and raw reasoning text', () => {
    const decoder = createResponsesStreamDecoder();
    const events = [
      ...decoder.push(data({ type: 'response.reasoning_text.delta', item_id: 'rs_1', output_index: 0, content_index: 0, delta: 'think' })),
      ...decoder.push(data({ type: 'response.output_item.added', item: { type: 'function_call', call_id: 'call_9', name: 'f', arguments: '' }, output_index: 1 })),
      ...decoder.push(data({ type: 'response.function_call_arguments.delta', output_index: 1, delta: '{}' })),
    ];
    expect(events.slice(1)).toEqual([
      { type: 'reasoning-delta', text: 'think' },
      { type: 'tool-call-start', index: 0, id: 'call_9', name: 'f' },
      { type: 'tool-call-delta', index: 0, arguments: '{}' },
    ]);
  });

  it('ignores progress events and anything after the terminal event', () => {
    const decoder = createResponsesStreamDecoder();
    for (const type of ['response.in_progress', 'response.content_part.added', 'response.output_text.done', 'response.web_search_call.searching', 'response.queued']) {
      expect(decoder.push(data({ type, sequence_number: 1 }))).toEqual([]);
    }
    decoder.push(data({ type: 'response.completed', response: { status: 'completed', usage: null } }));
    expect(decoder.push(data({ type: 'response.output_text.delta', delta: 'late' }))).toEqual([]);
  });

  it('throws on a chunk that is not a JSON object, which the stream translator turns into an error', () => {
    const decoder = createResponsesStreamDecoder();
    expect(() => decoder.push({ data: '{"type":"response.output_text.delta",' })).toThrow();
    expect(() => decoder.push({ data: '"a string"' })).toThrow('event is not a JSON object');
    const translator = createPassthroughStream(createResponsesStreamDecoder(), { frame: () => null, closing: [], fail: () => ['failed'] });
    expect(translator.push({ event: 'response.output_text.delta', data: 'not json' })).toEqual(['failed']);
    expect(translator.observation.upstream_error).toMatchObject({ kind: 'upstream', status: 502 });
  });

  it('reads a Chat-style error object from an OpenAI-compatible server', () => {
    const decoder = createResponsesStreamDecoder();
    expect(decoder.push(data({ error: { message: 'overloaded', type: 'server_error', code: null } }))).toEqual([
      { type: 'error', error: expect.objectContaining({ kind: 'upstream', message: expect.stringContaining('overloaded') }) },
    ]);
  });
});
