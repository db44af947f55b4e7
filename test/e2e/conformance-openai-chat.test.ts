// The official `openai` SDK's Chat Completions client against every channel dialect:
// text and a function-tool round trip (call → tool result → final text), streamed and not,
// asserting what the SDK itself parses.
import { describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import { DIALECT_CHANNELS, TOOL_RESULT_TEXT, WEATHER_SCHEMA, expectToolResultReply, openai, upstreamReceived } from './helpers';

const tools: OpenAI.ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: WEATHER_SCHEMA } },
];

const question: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };

/** The second turn of a round trip: the assistant's call and its result, tools still offered. */
function withToolResult(model: string, call: { id: string; name: string; arguments: string }): OpenAI.ChatCompletionCreateParamsNonStreaming {
  return {
    model,
    tools,
    messages: [
      question,
      { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] },
      { role: 'tool', tool_call_id: call.id, content: TOOL_RESULT_TEXT },
    ],
  };
}

describe.each(DIALECT_CHANNELS)('OpenAI Chat SDK → $dialect channel', ({ model, channel }) => {
  it('text, not streamed', async () => {
    const { data, response } = await openai()
      .chat.completions.create({ model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }] })
      .withResponse();
    expect(response.headers.get('x-switchboard-channel')).toMatch(channel);
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(data.id).toMatch(/^chatcmpl-/);
  });

  it('text, streamed with usage', async () => {
    const { data: stream, response } = await openai()
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'Stream to me' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get('x-switchboard-channel')).toMatch(channel);
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('function tool round trip, not streamed', async () => {
    const first = await openai().chat.completions.create({
      model,
      messages: [question],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments);
    expect(typeof args.city).toBe('string');
    expect(['celsius', 'fahrenheit']).toContain(args.unit);

    const { data: second, response } = await openai()
      .chat.completions.create(withToolResult(model, { id: call.id, name: call.function.name, arguments: call.function.arguments }))
      .withResponse();
    expect(second.choices[0]!.finish_reason).toBe('stop');
    expectToolResultReply(second.choices[0]!.message.content ?? '');
    expect(await upstreamReceived(response.headers.get('x-switchboard-channel')!, TOOL_RESULT_TEXT)).toBe(true);
  });

  it('function tool round trip, streamed', async () => {
    const stream = await openai().chat.completions.create({
      model,
      messages: [question],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: true,
    });
    let id = '';
    let name = '';
    let argumentText = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      if (delta?.id) id = delta.id;
      if (delta?.function?.name) name += delta.function.name;
      if (delta?.function?.arguments) argumentText += delta.function.arguments;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(id.length).toBeGreaterThan(0);
    expect(name).toBe('get_weather');
    expect(JSON.parse(argumentText)).toHaveProperty('city');
    expect(finish).toBe('tool_calls');

    const second = await openai().chat.completions.create({ ...withToolResult(model, { id, name, arguments: argumentText }), stream: true });
    let text = '';
    let secondFinish: string | null = null;
    for await (const chunk of second) {
      text += chunk.choices[0]?.delta.content ?? '';
      secondFinish = chunk.choices[0]?.finish_reason ?? secondFinish;
    }
    expect(secondFinish).toBe('stop');
    expectToolResultReply(text);
  });
});

describe('OpenAI SDK models', () => {
  it('models.retrieve and models.list name catalog models', async () => {
    const model = await openai().models.retrieve('gpt-test');
    expect(model.id).toBe('gpt-test');
    expect(model.object).toBe('model');
    const ids: string[] = [];
    for await (const entry of openai().models.list()) ids.push(entry.id);
    for (const { model: id } of DIALECT_CHANNELS) expect(ids).toContain(id);
  });

  it('models.retrieve of an unknown model is a 404', async () => {
    await expect(openai().models.retrieve('no-such-model')).rejects.toMatchObject({ status: 404 });
  });
});
