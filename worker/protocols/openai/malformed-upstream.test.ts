// Issue #10 item 3 in the OpenAI module: unparseable tool arguments are a malformed upstream
// answer (not a silent `{}`), and a broken stream chunk never forwards a parser's message.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { usageOf } from '../../core/metering';
import { createStreamTranslator, translateResponse } from '../index';
import { adapters } from '../registry';
import { context, inbound, parseFrames, run } from '../../../test/support/protocol-helpers';

afterEach(() => vi.restoreAllMocks());

const completion = (args: unknown) =>
  JSON.stringify({
    id: 'c',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: args } }] }, finish_reason: 'tool_calls' }],
  });

describe('OpenAI non-streaming answers', () => {
  it.each<[unknown, string]>([['{"a":', 'truncated JSON'], ['[1,2]', 'not an object'], [undefined, 'missing'], [7, 'not a string']])('tool arguments %j (%s) make the answer malformed', (args) => {
    expect(adapters.openai.readResponse(completion(args))).toMatchObject({ ok: false, error: { kind: 'upstream', status: 502, error_class: 'server' } });
    for (const client of ['anthropic', 'gemini'] as const) {
      const request =
        client === 'gemini'
          ? inbound('gemini', { contents: [{ parts: [{ text: 'x' }] }] }, { path_model: 'g' })
          : inbound('anthropic', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
      expect(translateResponse(request, 'openai', completion(args), context).ok).toBe(false);
    }
  });

  it('empty arguments are a call without arguments', () => {
    const read = adapters.openai.readResponse(completion(''));
    expect(read.ok && read.value.parts).toEqual([{ type: 'tool-call', id: 'call_1', name: 'f', arguments: '' }]);
  });
});

describe('OpenAI stream decoder: unreadable chunks', () => {
  it.each(['{"choices": [', '<html>502</html>', '"text"', '[1]'])('%j becomes an error event with a generic message', (data) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const events = adapters.openai.createStreamDecoder().push({ data });
    expect(events).toEqual([{ type: 'error', error: { kind: 'upstream', status: 502, error_class: 'server', message: expect.stringContaining('The upstream sent an unreadable stream event.') } }]);
    expect(logged).toHaveBeenCalledOnce();
  });

  it('a translated stream ends with the client format error and is not completed', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const translator = createStreamTranslator(inbound('anthropic', { model: 'm', stream: true, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), 'openai', context);
    const frames = run(translator, [
      { data: '{"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}' },
      { data: '{"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"st' },
      { data: '[DONE]' },
    ]);
    expect(parseFrames(frames).at(-1)).toMatchObject({ event: 'error', data: { error: { message: expect.stringContaining('unreadable stream event') } } });
    expect(frames.join('')).not.toMatch(/Unterminated|JSON at position|message_stop/);
    expect(translator.observation).toMatchObject({ completed: false, upstream_error: { kind: 'upstream' } });
  });
});

describe('usage.cost on translated OpenAI answers', () => {
  const price = { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3 };

  it('non-streaming: usage carries what the caller is charged', () => {
    const response = { parts: [{ type: 'text' as const, text: 'hi' }], finish_reason: 'stop' as const, usage: usageOf({ input_tokens: 1_000_000, output_tokens: 100_000, cached_input_tokens: 500_000 }) };
    const body = JSON.parse(adapters.openai.renderResponse(response, inbound('openai', { model: 'm', messages: [{ role: 'user', content: 'x' }] }), { ...context, price }));
    expect(body.usage.cost).toBeCloseTo(1.5 + 0.15 + 1.5, 10);
    expect(body.usage.prompt_tokens_details).toEqual({ cached_tokens: 500_000 });
  });

  it('streaming: the usage chunk carries cost', () => {
    const encoder = adapters.openai.createStreamEncoder(inbound('openai', { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] }), { ...context, price });
    encoder.encode({ type: 'usage', usage: usageOf({ input_tokens: 1_000_000 }) });
    const frames = parseFrames(encoder.encode({ type: 'finish', finish_reason: 'stop' }));
    expect(frames.at(-2)?.data).toMatchObject({ choices: [], usage: { prompt_tokens: 1_000_000, cost: 3 } });
  });
});
