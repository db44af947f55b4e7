import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { postJson, readSse, useSimulator } from './test-helpers';

const simulator = useSimulator();
const messagesUrl = () => `${simulator.get().url}/zero-anthropic/v1/messages`;
const headers = { 'anthropic-version': '2023-06-01', 'x-api-key': 'test' };
const base = { model: 'claude-sonnet-4-5', max_tokens: 1024, system: 'Be brief.', messages: [{ role: 'user', content: 'What is the weather in Paris?' }] };

const weatherTool = {
  name: 'get_weather',
  description: 'Weather by city',
  input_schema: {
    type: 'object',
    properties: {
      location: { type: 'object', properties: { city: { type: 'string' }, country: { type: 'string', maxLength: 2, minLength: 2 } }, required: ['city', 'country'] },
      unit: { enum: ['celsius', 'fahrenheit'] },
      days: { type: 'number', minimum: 0.5, maximum: 2 },
    },
    required: ['location', 'unit'],
  },
};

describe('anthropic messages', () => {
  it('answers non-streaming with a message, usage and end_turn', async () => {
    const response = await postJson(messagesUrl(), base, headers);
    expect(response.status).toBe(200);
    const body = await response.json<any>();
    expect(body.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(body).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', stop_reason: 'end_turn', stop_sequence: null });
    expect(body.content).toHaveLength(1);
    expect(body.content[0].type).toBe('text');
    expect(body.usage).toMatchObject({ input_tokens: 10, output_tokens: 64, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });

  it('gives the same reply as the openai dialect for the same conversation', async () => {
    const anthropic = await (await postJson(messagesUrl(), base, headers)).json<any>();
    const openai = await (
      await postJson(`${simulator.get().url}/zero-openai/v1/chat/completions`, { model: 'm', messages: [{ role: 'system', content: 'Be brief.' }, ...base.messages] })
    ).json<any>();
    expect(anthropic.content[0].text).toBe(openai.choices[0].message.content);
  });

  it('streams the real event sequence', async () => {
    const events = await readSse(await postJson(messagesUrl(), { ...base, max_tokens: 3, stream: true }, headers));
    expect(events.map((event) => event.event)).toEqual([
      'message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_delta',
      'content_block_stop', 'message_delta', 'message_stop',
    ]);
    const data = events.map((event) => JSON.parse(event.data));
    expect(data.every((item, index) => item.type === events[index]!.event)).toBe(true);
    expect(data[0].message).toMatchObject({ content: [], stop_reason: null, usage: { input_tokens: 10 } });
    expect(data[3].delta.type).toBe('text_delta');
    expect(data[7]).toMatchObject({ delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 3 } });
  });

  it('calls a forced tool (tool and any) with schema-valid input, streamed as input_json_delta', async () => {
    const validate = z.fromJSONSchema(weatherTool.input_schema as never);
    for (const tool_choice of [{ type: 'tool', name: 'get_weather' }, { type: 'any' }]) {
      const body = await (await postJson(messagesUrl(), { ...base, tools: [weatherTool], tool_choice }, headers)).json<any>();
      expect(body.stop_reason).toBe('tool_use');
      expect(body.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather' });
      expect(body.content[0].id).toMatch(/^toolu_01[A-Za-z0-9]{22}$/);
      expect(validate.safeParse(body.content[0].input).success).toBe(true);
    }
    const events = await readSse(await postJson(messagesUrl(), { ...base, tools: [weatherTool], tool_choice: { type: 'any' }, stream: true }, headers));
    const data = events.map((event) => JSON.parse(event.data));
    expect(data[1].content_block).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} });
    const pieces = data.filter((item) => item.type === 'content_block_delta').map((item) => item.delta);
    expect(pieces.every((delta) => delta.type === 'input_json_delta')).toBe(true);
    expect(pieces.length).toBeGreaterThan(3);
    expect(validate.safeParse(JSON.parse(pieces.map((delta) => delta.partial_json).join(''))).success).toBe(true);
  });

  it('answers with text after a tool_result', async () => {
    const messages = [
      ...base.messages,
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '21 degrees' }] },
    ];
    const body = await (await postJson(messagesUrl(), { ...base, messages, tools: [weatherTool], tool_choice: { type: 'any' } }, headers)).json<any>();
    expect(body.stop_reason).toBe('end_turn');
    expect(body.content[0].type).toBe('text');
  });

  it('returns a thinking block with a signature when thinking is enabled', async () => {
    const body = await (await postJson(messagesUrl(), { ...base, thinking: { type: 'enabled', budget_tokens: 1024 } }, headers)).json<any>();
    expect(body.content.map((block: { type: string }) => block.type)).toEqual(['thinking', 'text']);
    expect(body.content[0].signature.length).toBeGreaterThan(20);
    expect(body.usage.output_tokens).toBe(64 + 16);
    const events = await readSse(await postJson(messagesUrl(), { ...base, thinking: { type: 'enabled', budget_tokens: 1024 }, stream: true }, headers));
    const deltas = events.filter((event) => event.event === 'content_block_delta').map((event) => JSON.parse(event.data).delta.type);
    expect(new Set(deltas)).toEqual(new Set(['thinking_delta', 'signature_delta', 'text_delta']));
  });

  it('stops at a stop sequence with stop_reason stop_sequence', async () => {
    const full = await (await postJson(messagesUrl(), base, headers)).json<any>();
    const word = full.content[0].text.split(' ')[3];
    const body = await (await postJson(messagesUrl(), { ...base, stop_sequences: [word] }, headers)).json<any>();
    expect(body).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: word });
  });

  it('writes then reads the prompt cache when cache_control is used', async () => {
    const system = [{ type: 'text', text: 'y'.repeat(6000), cache_control: { type: 'ephemeral' } }];
    const request = { ...base, system, messages: [{ role: 'user', content: 'one' }] };
    const first = (await (await postJson(messagesUrl(), request, headers)).json<any>()).usage;
    const second = (await (await postJson(messagesUrl(), request, headers)).json<any>()).usage;
    expect(first).toMatchObject({ cache_creation_input_tokens: 1500, cache_read_input_tokens: 0, input_tokens: 1 });
    expect(second).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 1500, input_tokens: 1 });
  });

  it('counts tokens', async () => {
    const response = await postJson(`${simulator.get().url}/zero-anthropic/v1/messages/count_tokens`, { model: 'm', messages: base.messages, system: base.system }, headers);
    expect(await response.json<any>()).toEqual({ input_tokens: 10 });
  });

  it('rejects bad requests with Anthropic errors', async () => {
    const noMaxTokens = await postJson(messagesUrl(), { model: 'm', messages: base.messages }, headers);
    expect(noMaxTokens.status).toBe(400);
    expect(await noMaxTokens.json<any>()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
    const malformed = await fetch(messagesUrl(), { method: 'POST', body: 'not json' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json<any>()).error.type).toBe('invalid_request_error');
  });

  it('works with the official Anthropic SDK, streaming and not', async () => {
    const client = new Anthropic({ baseURL: `${simulator.get().url}/zero-anthropic`, apiKey: 'test', maxRetries: 0 });
    const message = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const streamed = await client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(streamed.content).toEqual(message.content);
    expect(streamed.usage.output_tokens).toBe(64);
    const tool = await client.messages
      .stream({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], tools: [weatherTool as never], tool_choice: { type: 'any' } })
      .finalMessage();
    expect(tool.content[0]).toMatchObject({ type: 'tool_use', input: { unit: expect.any(String) } });
  });
});
