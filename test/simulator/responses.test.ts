import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { postJson, readSse, useSimulator } from './test-helpers';

const simulator = useSimulator();
const responsesUrl = () => `${simulator.get().url}/zero-responses/v1/responses`;
const base = { model: 'gpt-5-mini', instructions: 'Be brief.', input: 'What is the weather in Paris?' };
const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Weather by city',
  parameters: { type: 'object', properties: { city: { type: 'string', minLength: 2 }, unit: { enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'], additionalProperties: false },
  strict: true,
};

describe('openai responses', () => {
  it('answers non-streaming with a completed response, a message item and usage', async () => {
    const response = await postJson(responsesUrl(), base);
    expect(response.status).toBe(200);
    const body = await response.json<any>();
    expect(body.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(body).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-5-mini', error: null, incomplete_details: null, instructions: 'Be brief.' });
    expect(body.output).toHaveLength(1);
    expect(body.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', annotations: [] }] });
    expect(body.output[0].id).toMatch(/^msg_/);
    expect(body.usage).toEqual({ input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 64, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 74 });
  });

  it('gives the same words as the chat dialect for the same conversation', async () => {
    const responses = await (await postJson(responsesUrl(), { model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hello there' }] }] })).json<any>();
    const chat = await (await postJson(`${simulator.get().url}/zero-openai/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hello there' }] })).json<any>();
    expect(responses.output[0].content[0].text).toBe(chat.choices[0].message.content);
  });

  it('streams typed events with increasing sequence numbers, ending with response.completed', async () => {
    const events = await readSse(await postJson(responsesUrl(), { ...base, max_output_tokens: 50, stream: true }));
    const data = events.map((event) => JSON.parse(event.data));
    expect(data.every((item, index) => item.type === events[index]!.event && item.sequence_number === index)).toBe(true);
    const types = data.map((item) => item.type);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.incomplete']);
    const text = data.filter((item) => item.type === 'response.output_text.delta').map((item) => item.delta).join('');
    const final = data.at(-1).response;
    expect(final).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { output_tokens: 50 } });
    expect(final.output[0].content[0].text).toBe(text);
    expect(data[0].response).toMatchObject({ status: 'in_progress', output: [], usage: null });
  });

  it('calls a forced function (named and required) with schema-valid arguments, streamed as argument deltas', async () => {
    const validate = z.fromJSONSchema(weatherTool.parameters as never);
    for (const tool_choice of [{ type: 'function', name: 'get_weather' }, 'required']) {
      const body = await (await postJson(responsesUrl(), { ...base, tools: [weatherTool], tool_choice })).json<any>();
      expect(body.output[0]).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
      expect(body.output[0].call_id).toMatch(/^call_/);
      expect(validate.safeParse(JSON.parse(body.output[0].arguments)).success).toBe(true);
    }
    const events = (await readSse(await postJson(responsesUrl(), { ...base, tools: [weatherTool], tool_choice: 'required', stream: true }))).map((event) => JSON.parse(event.data));
    const deltas = events.filter((event) => event.type === 'response.function_call_arguments.delta').map((event) => event.delta);
    const done = events.find((event) => event.type === 'response.function_call_arguments.done');
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe(done.arguments);
    expect(events.at(-1).response.output[0]).toMatchObject({ type: 'function_call', arguments: done.arguments });
  });

  it('answers a function_call_output with text echoing the result', async () => {
    const input = [
      { role: 'user', content: 'weather?' },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '21 degrees and sunny' },
    ];
    const body = await (await postJson(responsesUrl(), { model: 'm', input, tools: [weatherTool], tool_choice: 'required' })).json<any>();
    expect(body.output[0].content[0].text).toMatch(/^Tool result received: 21 degrees and sunny/);
  });

  it('returns a reasoning item with a summary, and encrypted_content when included, that it accepts back', async () => {
    const request = { ...base, reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'], store: false };
    const body = await (await postJson(responsesUrl(), request)).json<any>();
    expect(body.output.map((item: { type: string }) => item.type)).toEqual(['reasoning', 'message']);
    expect(body.output[0].summary[0].type).toBe('summary_text');
    expect(body.output[0].encrypted_content.length).toBeGreaterThan(20);
    expect(body.usage.output_tokens_details.reasoning_tokens).toBe(8);
    const plain = await (await postJson(responsesUrl(), { ...base, reasoning: { effort: 'low' } })).json<any>();
    expect(plain.output[0].encrypted_content).toBeUndefined();

    const next = { ...request, input: [{ role: 'user', content: base.input }, ...body.output, { role: 'user', content: 'And tomorrow?' }] };
    expect((await postJson(responsesUrl(), next)).status).toBe(200);
    const forged = structuredClone(next);
    (forged.input[1] as { encrypted_content: string }).encrypted_content = 'gAAAAABforged';
    const rejected = await postJson(responsesUrl(), forged);
    expect(rejected.status).toBe(400);
    expect((await rejected.json<any>()).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_encrypted_content' });
    const stripped = structuredClone(next);
    delete (stripped.input[1] as { encrypted_content?: string }).encrypted_content;
    const unknown = await postJson(responsesUrl(), stripped);
    expect(unknown.status).toBe(400);
    expect((await unknown.json<any>()).error.message).toMatch(/not found/);

    const events = (await readSse(await postJson(responsesUrl(), { ...request, stream: true }))).map((event) => JSON.parse(event.data));
    const summary = events.filter((event) => event.type === 'response.reasoning_summary_text.delta').map((event) => event.delta).join('');
    const itemDone = events.find((event) => event.type === 'response.output_item.done');
    expect(itemDone.item).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: summary }], encrypted_content: body.output[0].encrypted_content });
  });

  it('caches long prompts automatically and returns structured output for text.format json_schema', async () => {
    const long = { model: 'm', input: 'z'.repeat(8000) };
    expect((await (await postJson(responsesUrl(), long)).json<any>()).usage.input_tokens_details.cached_tokens).toBe(0);
    expect((await (await postJson(responsesUrl(), long)).json<any>()).usage.input_tokens_details.cached_tokens).toBe(1920);
    const schema = { type: 'object', properties: { answer: { type: 'integer', minimum: 3 } }, required: ['answer'] };
    const body = await (await postJson(responsesUrl(), { ...base, text: { format: { type: 'json_schema', name: 'a', schema } } })).json<any>();
    expect(JSON.parse(body.output[0].content[0].text).answer).toBeGreaterThanOrEqual(3);
  });

  it('rejects bad requests in OpenAI error shape', async () => {
    const noModel = await postJson(responsesUrl(), { input: 'x' });
    expect(noModel.status).toBe(400);
    expect((await noModel.json<any>()).error).toMatchObject({ type: 'invalid_request_error', param: 'model' });
    const previous = await postJson(responsesUrl(), { ...base, previous_response_id: 'resp_1' });
    expect((await previous.json<any>()).error).toMatchObject({ param: 'previous_response_id', code: 'previous_response_not_found' });
    const unknown = await postJson(`${simulator.get().url}/nobody/v1/responses`, base);
    expect((await unknown.json<any>()).error).toMatchObject({ type: 'invalid_request_error' });
  });

  it('works with the official OpenAI SDK, streaming and not', async () => {
    const client = new OpenAI({ baseURL: `${simulator.get().url}/zero-responses/v1`, apiKey: 'test', maxRetries: 0 });
    const response = await client.responses.create({ model: 'gpt-5-mini', input: 'hi' });
    expect(response.output_text.split(' ').length).toBe(64);
    const stream = client.responses.stream({ model: 'gpt-5-mini', input: 'hi' });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(response.output_text);
    expect(final.usage?.output_tokens).toBe(64);
    const call = await client.responses.create({ model: 'm', input: 'hi', tools: [weatherTool as never], tool_choice: 'required', stream: true });
    const types: string[] = [];
    for await (const event of call) types.push(event.type);
    expect(types).toContain('response.function_call_arguments.done');
    expect(types.at(-1)).toBe('response.completed');
  });
});
