// Regression fixtures for what the fuzzers found, one test named after each bug.
import { describe, expect, it } from 'vitest';
import { createStreamTranslator } from '../../../worker/protocols/index';
import { chunks, context } from '../../support/protocol-helpers';
import type { SourceEvent } from '../../../worker/protocols/types';
import { checkStream } from './properties';
import { streamingRequest } from './seeds';

describe('fuzz-completed-after-error', () => {
  // An OpenAI stream's finish chunk marks a clean finish; an unreadable usage chunk after it
  // left the observation `completed` with an upstream error: logged and billed as a success
  // although the client's stream ended with an error event.
  const events = chunks('openai', 'chat-stream.chunks.txt');
  const usageAt = events.findIndex((event) => event.data.includes('"usage":{'));
  const broken: SourceEvent[] = [...events.slice(0, usageAt), { data: '{"choices":[],"usage":{"prompt_tok' }, { data: '[DONE]' }];

  it('OpenAI passthrough: an unreadable chunk after the finish chunk is not a clean finish', () => {
    const translator = createStreamTranslator(streamingRequest('openai'), 'openai', context);
    for (const event of broken) translator.push(event);
    translator.end();
    expect(translator.observation.upstream_error).not.toBeNull();
    expect(translator.observation.completed).toBe(false);
  });

  it('Gemini → OpenAI translation: an unreadable event after the finishing chunk is not a clean finish', () => {
    const gemini = chunks('gemini', 'stream.chunks.txt');
    const translator = createStreamTranslator(streamingRequest('openai'), 'gemini', context);
    // The finishing chunk first, then garbage.
    translator.push(gemini[gemini.length - 1]!);
    translator.push({ data: '' });
    expect(translator.observation.upstream_error).not.toBeNull();
    expect(translator.observation.completed).toBe(false);
    expect(() => checkStream('openai', 'openai', streamingRequest('openai'), broken, 'end')).not.toThrow();
  });
});

describe('fuzz-frames-after-terminal', () => {
  it('Responses passthrough forwards nothing after response.completed, even events the upstream sends late', () => {
    const events = chunks('openai-responses', 'stream-function-call.chunks.txt');
    const completedAt = events.findIndex((event) => event.data.includes('"response.completed"'));
    const late = events.find((event) => event.data.includes('"response.output_item.done"'))!;
    const translator = createStreamTranslator(streamingRequest('openai-responses'), 'openai-responses', context);
    for (const event of events.slice(0, completedAt + 1)) translator.push(event);
    expect(translator.push(late)).toEqual([]);
    expect(translator.fail({ kind: 'upstream', status: 502, error_class: 'mid_stream', message: 'broke' })).toEqual([]);
  });

  it('Responses passthrough: an `event: error` whose data lacks its type still ends the stream', () => {
    const translator = createStreamTranslator(streamingRequest('openai-responses'), 'openai-responses', context);
    translator.push({ event: 'error', data: '{"code":"server_error","message":"boom"}' });
    expect(translator.fail({ kind: 'upstream', status: 502, error_class: 'mid_stream', message: 'broke' })).toEqual([]);
  });

  it('Anthropic passthrough: after message_stop, a broken connection adds no error event', () => {
    const events = chunks('anthropic', 'stream-thinking.chunks.txt');
    // `event: message_stop` whose data lost its type: forwarded as it came (the client goes by
    // the event name), so the stream has ended for the client even though nothing decoded a stop.
    const mutated = events.map((event) => (event.event === 'message_stop' ? { ...event, data: '{}' } : event));
    const translator = createStreamTranslator(streamingRequest('anthropic'), 'anthropic', context);
    const frames = mutated.flatMap((event) => translator.push(event));
    expect(frames.at(-1)).toContain('message_stop');
    expect(translator.fail({ kind: 'upstream', status: 502, error_class: 'mid_stream', message: 'broke' })).toEqual([]);
  });

  it('OpenAI passthrough: nothing after [DONE]', () => {
    const events = chunks('openai', 'chat-stream.chunks.txt');
    const translator = createStreamTranslator(streamingRequest('openai'), 'openai', context);
    for (const event of events) translator.push(event);
    expect(translator.push(events[1]!)).toEqual([]);
    expect(translator.end()).toEqual([]);
  });
});
