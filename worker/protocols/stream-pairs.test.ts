// Stream translation for all sixteen client × channel pairs, fed from the providers' published
// stream examples and read back through the client format's own decoder.
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../core/types';
import { createStreamTranslator } from './index';
import { chunks, context, inbound, parseFrames, readBack, run } from '../../test/support/protocol-helpers';
import type { InboundRequest } from './types';

const PROTOCOLS: Protocol[] = ['openai', 'openai-responses', 'anthropic', 'gemini'];

function streamingRequest(protocol: Protocol, extra: Record<string, unknown> = {}): InboundRequest {
  switch (protocol) {
    case 'openai-responses':
      return inbound('openai-responses', { model: 'm', stream: true, input: 'hi', ...extra });
    case 'openai':
      return inbound('openai', { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }], ...extra });
    case 'anthropic':
      return inbound('anthropic', { model: 'm', stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...extra });
    case 'gemini':
      return inbound('gemini', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], ...extra }, { path_model: 'm', path_stream: true });
  }
}

const textFixtures: Record<Protocol, { file: string; text: string; usage: { input_tokens: number; output_tokens: number } }> = {
  openai: { file: 'chat-stream.chunks.txt', text: 'Hello! How can I help?', usage: { input_tokens: 9, output_tokens: 6 } },
  'openai-responses': {
    file: 'stream-text.chunks.txt',
    text: 'Why did the scarecrow win an award?\n\nBecause he was outstanding in his field!',
    usage: { input_tokens: 11, output_tokens: 18 },
  },
  anthropic: { file: 'stream.chunks.txt', text: 'Hello!', usage: { input_tokens: 25, output_tokens: 15 } },
  gemini: { file: 'stream.chunks.txt', text: 'The quick brown fox jumps over the lazy dog.', usage: { input_tokens: 9, output_tokens: 22 } },
};

const toolFixtures: Record<Protocol, { file: string; text: string; tools: { name: string; arguments: unknown }[] }> = {
  openai: {
    file: 'chat-stream-tools.chunks.txt',
    text: '',
    tools: [
      { name: 'get_current_weather', arguments: { location: 'Boston, MA' } },
      { name: 'get_current_weather', arguments: { location: 'Paris' } },
    ],
  },
  'openai-responses': {
    file: 'stream-function-call.chunks.txt',
    text: '',
    tools: [
      { name: 'get_weather', arguments: { location: 'Paris, France' } },
      { name: 'get_weather', arguments: { location: 'Bogotá, Colombia' } },
    ],
  },
  anthropic: {
    file: 'stream-tools.chunks.txt',
    text: "Okay, let's check the weather.",
    tools: [
      { name: 'get_weather', arguments: { location: 'San Francisco, CA' } },
      { name: 'get_time', arguments: { timezone: 'America/Los_Angeles' } },
    ],
  },
  gemini: {
    file: 'stream-tools.chunks.txt',
    text: 'Checking both cities.',
    tools: [
      { name: 'get_weather', arguments: { location: 'Boston, MA' } },
      { name: 'get_weather', arguments: { location: 'Paris' } },
    ],
  },
};

/** The partial text each error fixture streams before its error. */
const errorFixtures: Record<Protocol, { file: string; status: number; partial: string }> = {
  openai: { file: 'chat-stream-error.chunks.txt', status: 500, partial: 'Partial' },
  'openai-responses': { file: 'stream-error.chunks.txt', status: 429, partial: 'Hello' },
  anthropic: { file: 'stream-error.chunks.txt', status: 503, partial: 'Partial' },
  gemini: { file: 'stream-error.chunks.txt', status: 503, partial: 'Partial' },
};

const pairs = PROTOCOLS.flatMap((client) => PROTOCOLS.map((upstream) => [client, upstream] as const));

describe.each(pairs)('%s client ← %s channel', (client, upstream) => {
  it('streams text with finish and usage', () => {
    const { file, text, usage } = textFixtures[upstream];
    const translator = createStreamTranslator(streamingRequest(client), upstream, context);
    const frames = run(translator, chunks(upstream, file));
    const summary = readBack(client, frames);
    expect(summary.text).toBe(text);
    expect(summary.finish).toBe('stop');
    expect(summary.error).toBeNull();
    expect(translator.observation).toMatchObject({ first_token: true, completed: true, finish_reason: 'stop', upstream_error: null });
    expect(translator.observation.usage).toMatchObject(usage);
    expect(summary.usage).toMatchObject({ output_tokens: usage.output_tokens });
  });

  it('streams parallel tool calls with their arguments', () => {
    const { file, text, tools } = toolFixtures[upstream];
    const translator = createStreamTranslator(streamingRequest(client), upstream, context);
    const summary = readBack(client, run(translator, chunks(upstream, file)));
    expect(summary.text).toBe(text);
    expect(summary.tools.map((tool) => ({ name: tool.name, arguments: JSON.parse(tool.arguments) }))).toEqual(tools);
    expect(summary.finish).toBe(client === 'gemini' ? 'tool_calls' : 'tool_calls');
    expect(translator.observation.finish_reason).toBe('tool_calls');
    if (client !== upstream && client !== 'openai-responses') {
      const prefix = client === 'openai' ? 'call_' : client === 'anthropic' ? 'toolu_' : '';
      for (const tool of summary.tools) expect(tool.id.startsWith(prefix)).toBe(true);
    }
  });

  it('ends with the client format error event when the upstream errors mid-stream', () => {
    const { file, status, partial } = errorFixtures[upstream];
    const translator = createStreamTranslator(streamingRequest(client), upstream, context);
    const frames = run(translator, chunks(upstream, file));
    expect(translator.observation.completed).toBe(false);
    expect(translator.observation.upstream_error).toMatchObject({ kind: 'upstream', status });
    const last = parseFrames(frames).at(-1);
    if (client === 'openai') {
      expect(last?.data).toMatchObject({ error: { message: expect.any(String) } });
      expect(frames.join('')).not.toContain('[DONE]');
    } else if (client === 'anthropic') {
      expect(last?.event).toBe('error');
      expect(frames.join('')).not.toContain('message_stop');
    } else if (client === 'openai-responses') {
      // Same dialect passes the upstream's own `error` event through; translated streams end with response.failed.
      expect(last?.event).toBe(upstream === client ? 'error' : 'response.failed');
      expect(frames.join('')).not.toContain('response.completed');
    } else {
      expect(last?.data).toMatchObject({ error: { code: expect.any(Number), status: expect.any(String) } });
    }
    if (client !== upstream) expect(readBack(client, frames).text).toBe(partial);
  });

  it('fail() after the first token emits the client error event, never a clean finish', () => {
    const translator = createStreamTranslator(streamingRequest(client), upstream, context);
    const events = chunks(upstream, textFixtures[upstream].file);
    const frames: string[] = [];
    for (const event of events.slice(0, upstream === 'gemini' ? 2 : 4)) frames.push(...translator.push(event));
    frames.push(...translator.fail({ kind: 'upstream', status: 502, error_class: 'mid_stream', message: 'Upstream connection lost.' }));
    const summary = readBack(client, frames);
    expect(summary.finish).toBeNull();
    expect(summary.error).toMatchObject({ message: 'Upstream connection lost.' });
    expect(translator.end()).toEqual([]);
  });

  it('knows the stream is complete before end() is called (the pipeline checks first)', () => {
    const translator = createStreamTranslator(streamingRequest(client), upstream, context);
    const frames: string[] = [];
    for (const event of chunks(upstream, textFixtures[upstream].file)) frames.push(...translator.push(event));
    expect(translator.observation.completed).toBe(true);
    frames.push(...translator.end());
    expect(readBack(client, frames).finish).toBe('stop');
    expect(translator.end()).toEqual([]);
  });

  it('is deterministic', () => {
    const first = run(createStreamTranslator(streamingRequest(client), upstream, context), chunks(upstream, toolFixtures[upstream].file));
    const second = run(createStreamTranslator(streamingRequest(client), upstream, context), chunks(upstream, toolFixtures[upstream].file));
    expect(second).toEqual(first);
  });

  it('a body that ends without a terminal event is not completed', () => {
    const events = chunks(upstream, textFixtures[upstream].file);
    const translator = createStreamTranslator(streamingRequest(client), upstream, context);
    const cut = upstream === 'openai' ? events.slice(0, 3) : upstream === 'anthropic' ? events.slice(0, 5) : events.slice(0, 2);
    run(translator, cut);
    expect(translator.observation.completed).toBe(false);
  });
});

describe('Anthropic event sequence synthesised from an OpenAI stream', () => {
  it('opens and closes blocks in order', () => {
    const translator = createStreamTranslator(streamingRequest('anthropic'), 'openai', context);
    const frames = parseFrames(run(translator, chunks('openai', 'chat-stream-tools.chunks.txt')));
    expect(frames.map((frame) => frame.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(frames[0]?.data).toMatchObject({ message: { id: expect.stringMatching(/^msg_/), model: 'catalog-model', role: 'assistant' } });
    expect(frames[1]?.data).toMatchObject({ index: 0, content_block: { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'get_current_weather' } });
    expect(frames[5]?.data).toMatchObject({ index: 1 });
    expect(frames[8]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 18, output_tokens: 35, cache_creation_input_tokens: 0, cache_read_input_tokens: 64 },
    });
  });
});

describe('OpenAI chunks synthesised from an Anthropic stream', () => {
  it('carries ids, model, provider and a usage chunk only when asked', () => {
    const withUsage = parseFrames(run(createStreamTranslator(streamingRequest('openai'), 'anthropic', context), chunks('anthropic', 'stream.chunks.txt')));
    expect(withUsage[0]?.data).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'catalog-model',
      provider: 'acme-east',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(withUsage.at(-2)?.data).toMatchObject({ choices: [], usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 } });
    expect(withUsage.at(-1)?.data).toBe('[DONE]');
    const withoutUsage = run(
      createStreamTranslator(inbound('openai', { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }), 'anthropic', context),
      chunks('anthropic', 'stream.chunks.txt'),
    );
    expect(withoutUsage.join('')).not.toContain('"usage"');
  });

  it('streams reasoning as reasoning_content', () => {
    const summary = readBack('openai', run(createStreamTranslator(streamingRequest('openai'), 'anthropic', context), chunks('anthropic', 'stream-thinking.chunks.txt')));
    expect(summary.reasoning).toBe('Let me solve this step by step.');
    expect(summary.text).toBe('27 * 453 = 12,231');
  });
});

describe('Gemini chunks synthesised from other streams', () => {
  it('puts finishReason, usage, modelVersion and responseId on the last chunk', () => {
    const frames = parseFrames(run(createStreamTranslator(streamingRequest('gemini'), 'openai', context), chunks('openai', 'chat-stream.chunks.txt')));
    expect(frames.at(-1)?.data).toMatchObject({
      candidates: [{ finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 6, totalTokenCount: 15 },
      modelVersion: 'catalog-model',
      responseId: expect.any(String),
    });
  });

  it('shows thoughts only when includeThoughts was asked', () => {
    const plain = readBack('gemini', run(createStreamTranslator(streamingRequest('gemini'), 'anthropic', context), chunks('anthropic', 'stream-thinking.chunks.txt')));
    expect(plain.reasoning).toBe('');
    const asked = streamingRequest('gemini', { generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 2048 } } });
    const withThoughts = readBack('gemini', run(createStreamTranslator(asked, 'anthropic', context), chunks('anthropic', 'stream-thinking.chunks.txt')));
    expect(withThoughts.reasoning).toBe('Let me solve this step by step.');
  });

  it('a prompt blocked by Gemini finishes as content_filter', () => {
    const summary = readBack('openai', run(createStreamTranslator(streamingRequest('openai'), 'gemini', context), chunks('gemini', 'stream-blocked.chunks.txt')));
    expect(summary.finish).toBe('content_filter');
  });
});

describe('Anthropic thinking', () => {
  it('reaches an Anthropic client from a Gemini stream only when thinking was enabled', () => {
    const asked = streamingRequest('anthropic', { thinking: { type: 'enabled', budget_tokens: 2048 } });
    const summary = readBack('anthropic', run(createStreamTranslator(asked, 'gemini', context), chunks('gemini', 'stream-thinking.chunks.txt')));
    expect(summary.reasoning).toBe('**Considering the product**\nI need to multiply.');
    expect(summary.text).toBe('27 * 453 = 12,231');
    const plain = readBack('anthropic', run(createStreamTranslator(streamingRequest('anthropic'), 'gemini', context), chunks('gemini', 'stream-thinking.chunks.txt')));
    expect(plain.reasoning).toBe('');
  });
});
