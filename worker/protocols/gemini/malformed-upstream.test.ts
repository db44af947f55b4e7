// Issue #10 item 3 in the Gemini module: a broken upstream answer is a visible failure (logged,
// retried, never charged as a success), and the client never sees a parser's message.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { usageOf } from '../../core/metering';
import { createStreamTranslator, translateResponse } from '../index';
import { adapters } from '../registry';
import { chunks, context, inbound, parseFrames, run } from '../../../test/support/protocol-helpers';
import { createGeminiStreamEncoder } from './stream';

const geminiClient = (stream: boolean) => inbound('gemini', { contents: [{ parts: [{ text: 'x' }] }] }, { path_model: 'g', path_stream: stream });

afterEach(() => vi.restoreAllMocks());

describe('Gemini stream encoder: tool arguments that are not a JSON object', () => {
  it('emits the error frame, reports the failure, and then nothing more (no STOP chunk)', () => {
    const encoder = createGeminiStreamEncoder(geminiClient(true), context);
    encoder.encode({ type: 'message-start' });
    encoder.encode({ type: 'tool-call-start', index: 0, id: 'c', name: 'f' });
    encoder.encode({ type: 'tool-call-delta', index: 0, arguments: '{"a":' });
    const frames = encoder.encode({ type: 'tool-call-end', index: 0 });
    expect(parseFrames(frames)).toEqual([{ data: { error: { code: 502, message: expect.stringContaining('not a JSON object'), status: 'UNAVAILABLE' } } }]);
    expect(encoder.failure).toMatchObject({ kind: 'upstream', status: 502, error_class: 'server' });
    expect(encoder.encode({ type: 'usage', usage: usageOf({ input_tokens: 1, output_tokens: 1 }) })).toEqual([]);
    expect(encoder.encode({ type: 'finish', finish_reason: 'tool_calls' })).toEqual([]);
    expect(encoder.fail({ kind: 'upstream', status: 502, error_class: 'server', message: 'x' })).toEqual([]);
  });

  it('through the translator, the client stream ends at the error frame', () => {
    const events = [
      { data: '{"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":"}}]},"finish_reason":null}]}' },
      { data: '{"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}' },
      { data: '[DONE]' },
    ];
    const frames = parseFrames(run(createStreamTranslator(geminiClient(true), 'openai', context), events));
    expect(frames.at(-1)?.data).toMatchObject({ error: { code: 502 } });
    expect(JSON.stringify(frames)).not.toContain('finishReason');
  });

  it('through the translator, observation.upstream_error is set and the attempt is not completed', () => {
    const events = [
      { data: '{"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":"}}]},"finish_reason":null}]}' },
      { data: '{"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}' },
      { data: '[DONE]' },
    ];
    const translator = createStreamTranslator(geminiClient(true), 'openai', context);
    run(translator, events);
    expect(translator.observation.upstream_error).toMatchObject({ kind: 'upstream', error_class: 'server' });
    expect(translator.observation.completed).toBe(false);
  });
});

describe('Gemini non-streaming answers', () => {
  it('a functionCall whose args are not an object is a malformed upstream answer (retried), not `{}`', () => {
    const text = JSON.stringify({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: '{"a":1' } }], role: 'model' }, finishReason: 'STOP' }] });
    expect(adapters.gemini.readResponse(text)).toMatchObject({ ok: false, error: { kind: 'upstream', status: 502 } });
    const translated = translateResponse(inbound('openai', { model: 'm', messages: [{ role: 'user', content: 'x' }] }), 'gemini', text, context);
    expect(translated).toMatchObject({ ok: false, error: { kind: 'upstream', error_class: 'server' } });
  });
});

describe('Gemini stream decoder: unreadable chunks', () => {
  it.each(['{"candidates": [', 'not json at all', '42', '[]'])('%j becomes an error event with a generic message; the detail goes to the log', (data) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const decoder = adapters.gemini.createStreamDecoder();
    const events = decoder.push({ data });
    expect(events).toEqual([{ type: 'error', error: { kind: 'upstream', status: 502, error_class: 'server', message: expect.stringContaining('The upstream sent an unreadable stream event.') } }]);
    expect(JSON.stringify(events)).not.toMatch(/JSON|position|Unexpected/);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(data.slice(0, 10)));
  });

  it('the detail in the log is scrubbed of credentials', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    adapters.gemini.createStreamDecoder().push({ data: '{"key":"AIzaSyA1234567890abcdefg" broken' });
    expect(logged.mock.calls.join('')).not.toContain('AIzaSyA1234567890abcdefg');
  });

  it('a cross-dialect stream ends with the client format error; a same-dialect one does not forward the bytes', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const events = [...chunks('gemini', 'stream.chunks.txt').slice(0, 1), { data: '{"candidates": [' }];
    const translated = createStreamTranslator(inbound('openai', { model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }), 'gemini', context);
    const frames = run(translated, events);
    expect(parseFrames(frames).at(-1)?.data).toMatchObject({ error: { message: expect.stringContaining('unreadable stream event') } });
    expect(translated.observation).toMatchObject({ completed: false, upstream_error: { kind: 'upstream' } });
    const same = createStreamTranslator(geminiClient(true), 'gemini', context);
    const passed = run(same, events);
    expect(passed.join('')).not.toContain('{"candidates": [\n');
    expect(parseFrames(passed).at(-1)?.data).toMatchObject({ error: { code: 502, status: 'UNAVAILABLE' } });
    expect(same.observation.upstream_error).toMatchObject({ kind: 'upstream' });
  });
});
