// The official `openai` SDK's Responses client (POST /v1/responses) against every channel
// dialect: text and a function-tool round trip (function_call → function_call_output → text),
// not streamed, streamed as typed events (`stream: true`) and through the `responses.stream()`
// helper. The gateway is stateless, so the second turn carries the whole conversation.
import { describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { DIALECT_CHANNELS, TOOL_RESULT_TEXT, WEATHER_SCHEMA, expectToolResultReply, openai, upstreamReceived } from './helpers';

type ResponseInput = OpenAI.Responses.ResponseInputItem[];

const tools: OpenAI.Responses.FunctionTool[] = [
  { type: 'function', name: 'get_weather', description: 'Weather for a city', parameters: { ...WEATHER_SCHEMA }, strict: false },
];

const question: OpenAI.Responses.ResponseInputItem = { role: 'user', content: 'Weather in Paris?' };

function functionCallOf(response: OpenAI.Responses.Response): OpenAI.Responses.ResponseFunctionToolCall {
  const call = response.output.find((item) => item.type === 'function_call');
  expect(call, `no function_call in ${JSON.stringify(response.output)}`).toBeDefined();
  return call as OpenAI.Responses.ResponseFunctionToolCall;
}

/** The second turn: the question, the model's call as it came and our result for it. */
function secondTurn(call: OpenAI.Responses.ResponseFunctionToolCall): ResponseInput {
  return [
    question,
    { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
    { type: 'function_call_output', call_id: call.call_id, output: TOOL_RESULT_TEXT },
  ];
}

function expectWeatherCall(call: OpenAI.Responses.ResponseFunctionToolCall): void {
  expect(call.name).toBe('get_weather');
  expect(call.call_id.length).toBeGreaterThan(0);
  const args = JSON.parse(call.arguments);
  expect(typeof args.city).toBe('string');
  expect(['celsius', 'fahrenheit']).toContain(args.unit);
}

/** Reads a `stream: true` response event by event; returns the text deltas and the completed response. */
async function readEvents(stream: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>) {
  let text = '';
  let completed: OpenAI.Responses.Response | undefined;
  const types: string[] = [];
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  return { text, completed, types };
}

describe.each(DIALECT_CHANNELS)('OpenAI Responses SDK → $dialect channel', ({ model, channel }) => {
  it('text, not streamed', async () => {
    const { data, response } = await openai()
      .responses.create({ model, instructions: 'Be brief.', input: 'Hello there', store: false })
      .withResponse();
    expect(response.headers.get('x-switchboard-channel')).toMatch(channel);
    expect(data.object).toBe('response');
    expect(data.id).toMatch(/^resp_/);
    expect(data.status).toBe('completed');
    expect(data.output_text.length).toBeGreaterThan(0);
    expect(data.usage!.input_tokens).toBeGreaterThan(0);
    expect(data.usage!.output_tokens).toBeGreaterThan(0);
  });

  it('text, streamed as typed events', async () => {
    const { data: stream, response } = await openai()
      .responses.create({ model, input: 'Stream to me', stream: true, store: false })
      .withResponse();
    expect(response.headers.get('x-switchboard-channel')).toMatch(channel);
    const { text, completed, types } = await readEvents(stream);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_item.added');
    expect(types).toContain('response.output_text.done');
    expect(types.at(-1)).toBe('response.completed');
    expect(text.length).toBeGreaterThan(0);
    expect(completed!.output_text ?? text).toBeTruthy();
    expect(completed!.usage!.output_tokens).toBeGreaterThan(0);
  });

  it('text through the responses.stream() helper', async () => {
    const stream = openai().responses.stream({ model, input: 'Stream to me', store: false });
    let text = '';
    stream.on('response.output_text.delta', (event) => (text += event.delta));
    const final = await stream.finalResponse();
    expect(text.length).toBeGreaterThan(0);
    expect(final.output_text).toBe(text);
    expect(final.status).toBe('completed');
  });

  it('function tool round trip, not streamed', async () => {
    const first = await openai().responses.create({
      model,
      input: [question],
      tools,
      tool_choice: { type: 'function', name: 'get_weather' },
      store: false,
    });
    const call = functionCallOf(first);
    expectWeatherCall(call);

    const { data: second, response } = await openai().responses.create({ model, input: secondTurn(call), tools, store: false }).withResponse();
    expect(second.output.some((item) => item.type === 'function_call')).toBe(false);
    expectToolResultReply(second.output_text);
    expect(await upstreamReceived(response.headers.get('x-switchboard-channel')!, TOOL_RESULT_TEXT)).toBe(true);
  });

  it('function tool round trip, streamed', async () => {
    const stream = await openai().responses.create({
      model,
      input: [question],
      tools,
      tool_choice: { type: 'function', name: 'get_weather' },
      stream: true,
      store: false,
    });
    let argumentDeltas = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') argumentDeltas += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    const call = functionCallOf(completed!);
    expectWeatherCall(call);
    expect(argumentDeltas).toBe(call.arguments);

    const final = await openai().responses.stream({ model, input: secondTurn(call), tools, store: false }).finalResponse();
    expectToolResultReply(final.output_text);
  });
});
