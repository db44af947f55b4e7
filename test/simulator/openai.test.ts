import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { postJson, readSse, readSseJson, useSimulator } from './test-helpers';

const simulator = useSimulator();
const chatUrl = () => `${simulator.get().url}/zero-openai/v1/chat/completions`;
const messages = [{ role: 'user', content: 'What is the weather in Paris?' }];

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 3 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        hourly: { type: 'boolean' },
        stops: { type: 'array', minItems: 3, items: { type: 'object', properties: { lat: { type: 'number', minimum: -90, maximum: 90 } }, required: ['lat'] } },
      },
      required: ['city', 'unit', 'days', 'stops'],
      additionalProperties: false,
    },
  },
};

describe('openai chat completions', () => {
  it('answers non-streaming with a complete chat.completion', async () => {
    const response = await postJson(chatUrl(), { model: 'gpt-4o-mini', messages });
    expect(response.status).toBe(200);
    const body = await response.json<any>();
    expect(body).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini', service_tier: 'default' });
    expect(body.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(body.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', refusal: null } });
    expect(body.choices[0].message.content.split(' ')).toHaveLength(64);
    expect(body.usage).toEqual({
      prompt_tokens: 8,
      completion_tokens: 64,
      total_tokens: 72,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });

  it('stops at max_tokens and max_completion_tokens with finish_reason length', async () => {
    for (const limit of [{ max_tokens: 5 }, { max_completion_tokens: 5 }]) {
      const body = await (await postJson(chatUrl(), { model: 'm', messages, ...limit })).json<any>();
      expect(body.choices[0].finish_reason).toBe('length');
      expect(body.usage.completion_tokens).toBe(5);
    }
  });

  it('streams chunks without usage unless include_usage is asked', async () => {
    const response = await postJson(chatUrl(), { model: 'm', messages, stream: true, max_tokens: 4 });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(response);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && !('usage' in chunk))).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(1, -1).map((chunk) => chunk.choices[0].delta.content)).toHaveLength(4);
    expect(chunks.at(-1).choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('with include_usage: usage null on every chunk, then a final chunk with no choices and the usage', async () => {
    const chunks = await readSseJson(await postJson(chatUrl(), { model: 'm', messages, stream: true, stream_options: { include_usage: true } }));
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 64, total_tokens: 72 });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
  });

  it('calls a forced tool with arguments that satisfy its schema', async () => {
    const validate = z.fromJSONSchema(weatherTool.function.parameters as never);
    for (const tool_choice of ['required', { type: 'function', function: { name: 'get_weather' } }]) {
      const body = await (await postJson(chatUrl(), { model: 'm', messages, tools: [weatherTool], tool_choice })).json<any>();
      expect(body.choices[0].finish_reason).toBe('tool_calls');
      const [call] = body.choices[0].message.tool_calls;
      expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
      expect(call.function.name).toBe('get_weather');
      const args = JSON.parse(call.function.arguments);
      expect(validate.safeParse(args).success).toBe(true);
      expect(args.stops.length).toBeGreaterThanOrEqual(3);
      expect(body.choices[0].message.content).toBeNull();
    }
  });

  it('streams tool arguments as several deltas that join to valid JSON', async () => {
    const chunks = await readSseJson(await postJson(chatUrl(), { model: 'm', messages, tools: [weatherTool], tool_choice: 'required', stream: true }));
    const first = chunks[0].choices[0].delta.tool_calls[0];
    expect(first).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    const pieces = chunks.slice(1, -1).map((chunk) => chunk.choices[0].delta.tool_calls[0].function.arguments);
    expect(pieces.length).toBeGreaterThan(3);
    expect(() => JSON.parse(pieces.join(''))).not.toThrow();
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers with text once the last message is a tool result, and with text when tools are only offered', async () => {
    const history = [
      ...messages,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temperature": 21}' },
    ];
    const afterTool = await (await postJson(chatUrl(), { model: 'm', messages: history, tools: [weatherTool], tool_choice: 'required' })).json<any>();
    expect(afterTool.choices[0].finish_reason).toBe('stop');
    expect(typeof afterTool.choices[0].message.content).toBe('string');
    const auto = await (await postJson(chatUrl(), { model: 'm', messages, tools: [weatherTool] })).json<any>();
    expect(auto.choices[0].message.tool_calls).toBeUndefined();
  });

  it('counts reasoning tokens when reasoning_effort is set', async () => {
    const body = await (await postJson(chatUrl(), { model: 'o4-mini', messages, reasoning_effort: 'low' })).json<any>();
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(8);
    expect(body.usage.completion_tokens).toBe(72);
  });

  it('cuts the reply at a stop sequence', async () => {
    const full = await (await postJson(chatUrl(), { model: 'm', messages })).json<any>();
    const word = full.choices[0].message.content.split(' ')[5];
    const body = await (await postJson(chatUrl(), { model: 'm', messages, stop: [word] })).json<any>();
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(full.choices[0].message.content.startsWith(body.choices[0].message.content)).toBe(true);
    expect(body.choices[0].message.content).not.toContain(word);
  });

  it('fills response_format json_schema with a conforming JSON object', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name', 'age'] };
    const body = await (await postJson(chatUrl(), { model: 'm', messages, response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } })).json<any>();
    expect(z.fromJSONSchema(schema as never).safeParse(JSON.parse(body.choices[0].message.content)).success).toBe(true);
  });

  it('reports cached prompt tokens when a long prompt repeats', async () => {
    const long = [{ role: 'system', content: 'x'.repeat(8000) }, { role: 'user', content: 'first question' }];
    const first = await (await postJson(chatUrl(), { model: 'm', messages: long })).json<any>();
    const second = await (await postJson(chatUrl(), { model: 'm', messages: long })).json<any>();
    expect(first.usage.prompt_tokens_details.cached_tokens).toBe(0);
    expect(second.usage.prompt_tokens_details.cached_tokens).toBe(1920);
    expect(second.usage.prompt_tokens).toBe(2004); // (8000 + 1 + 14 characters) / 4, rounded up
  });

  it('rejects malformed JSON and missing fields with OpenAI errors', async () => {
    const malformed = await fetch(chatUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json<any>()).error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    const streamOptions = await postJson(chatUrl(), { model: 'm', messages, stream_options: { include_usage: true } });
    expect(streamOptions.status).toBe(400);
    expect((await streamOptions.json<any>()).error.param).toBe('stream_options');
    const missing = await postJson(chatUrl(), { model: 'm' });
    expect(missing.status).toBe(400);
    expect((await missing.json<any>()).error.param).toBe('messages');
    const wrongPath = await postJson(`${simulator.get().url}/zero-openai/v1/chat/complete`, {});
    expect(wrongPath.status).toBe(404);
    expect((await wrongPath.json<any>()).error.message).toContain('Invalid URL');
  });

  it('works with the official openai SDK, streaming and not', async () => {
    const client = new OpenAI({ baseURL: `${simulator.get().url}/zero-openai/v1`, apiKey: 'sk-test', maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.usage?.completion_tokens).toBe(64);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(completion.choices[0]?.message.content);
    expect(usage).toMatchObject({ completion_tokens: 64 });
  });
});

describe('openai embeddings and models', () => {
  const embeddingsUrl = () => `${simulator.get().url}/zero-openai/v1/embeddings`;

  it('returns deterministic unit vectors with the requested dimensions', async () => {
    const body = await (await postJson(embeddingsUrl(), { model: 'text-embedding-3-small', input: ['hello world', 'other'], dimensions: 8 })).json<any>();
    expect(body).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: 5, total_tokens: 5 } });
    expect(body.data).toHaveLength(2);
    expect(body.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    const vector: number[] = body.data[0].embedding;
    expect(vector).toHaveLength(8);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    const again = await (await postJson(embeddingsUrl(), { model: 'text-embedding-3-small', input: 'hello world', dimensions: 8 })).json<any>();
    expect(again.data[0].embedding).toEqual(vector);
    expect(body.data[1].embedding).not.toEqual(vector);
  });

  it('defaults to 1536 dimensions, encodes base64 on request and rejects a missing input', async () => {
    const body = await (await postJson(embeddingsUrl(), { model: 'text-embedding-3-small', input: 'hi', encoding_format: 'base64' })).json<any>();
    expect(Buffer.from(body.data[0].embedding, 'base64').length).toBe(1536 * 4);
    const missing = await postJson(embeddingsUrl(), { model: 'text-embedding-3-small' });
    expect(missing.status).toBe(400);
    expect((await missing.json<any>()).error.param).toBe('input');
  });

  it('lists models', async () => {
    const body = await (await fetch(`${simulator.get().url}/zero-openai/v1/models`)).json<any>();
    expect(body.object).toBe('list');
    expect(body.data[0]).toMatchObject({ id: 'gpt-4o-mini', object: 'model', owned_by: 'system' });
  });
});
