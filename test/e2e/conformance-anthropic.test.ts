// The official `@anthropic-ai/sdk` client against every channel dialect: text and a
// tool_use → tool_result round trip, through messages.create and messages.stream, plus
// today's request shapes (role "system" messages, adaptive thinking) and the models API.
import { describe, expect, it } from 'vitest';
import type Anthropic from '@anthropic-ai/sdk';
import { DIALECT_CHANNELS, TOOL_RESULT_TEXT, WEATHER_SCHEMA, anthropicClient, expectToolResultReply, upstreamReceived } from './helpers';

const tools: Anthropic.Tool[] = [
  { name: 'get_weather', description: 'Weather for a city', input_schema: WEATHER_SCHEMA as unknown as Anthropic.Tool.InputSchema },
];

const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };

const textOf = (message: Anthropic.Message) =>
  message.content
    .filter((block): block is Anthropic.TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('');

function toolUseOf(message: Anthropic.Message): Anthropic.ToolUseBlock {
  const use = message.content.find((block) => block.type === 'tool_use');
  expect(use, `no tool_use in ${JSON.stringify(message.content)}`).toBeDefined();
  const block = use as Anthropic.ToolUseBlock;
  expect(block.name).toBe('get_weather');
  expect(block.id).toMatch(/^toolu_/);
  expect(typeof (block.input as { city?: unknown }).city).toBe('string');
  expect(message.stop_reason).toBe('tool_use');
  return block;
}

/** The second turn: the assistant's content as it came (tool_use included) and our tool_result. */
function secondTurn(model: string, first: Anthropic.Message, use: Anthropic.ToolUseBlock): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model,
    max_tokens: 200,
    tools,
    messages: [
      question,
      { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: TOOL_RESULT_TEXT }] },
    ],
  };
}

const forced = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model,
  max_tokens: 200,
  messages: [question],
  tools,
  tool_choice: { type: 'tool', name: 'get_weather' },
});

describe.each(DIALECT_CHANNELS)('Anthropic SDK → $dialect channel', ({ model, channel }) => {
  it('text, not streamed', async () => {
    const { data: message, response } = await anthropicClient()
      .messages.create({ model, max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello there' }] })
      .withResponse();
    expect(response.headers.get('x-switchboard-channel')).toMatch(channel);
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.id).toMatch(/^msg_/);
    expect(textOf(message).length).toBeGreaterThan(0);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('text, streamed', async () => {
    const stream = anthropicClient().messages.stream({ model, max_tokens: 200, messages: [{ role: 'user', content: 'Stream to me' }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text.length).toBeGreaterThan(0);
    expect(textOf(final)).toBe(text);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('a role "system" message and adaptive thinking are accepted', async () => {
    const message = await anthropicClient().messages.create({
      model,
      max_tokens: 2000,
      thinking: { type: 'adaptive' },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
    });
    expect(textOf(message).length).toBeGreaterThan(0);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('tool_use → tool_result round trip, not streamed', async () => {
    const first = await anthropicClient().messages.create(forced(model));
    const use = toolUseOf(first);
    const { data: second, response } = await anthropicClient().messages.create(secondTurn(model, first, use)).withResponse();
    expect(second.stop_reason).toBe('end_turn');
    expectToolResultReply(textOf(second));
    expect(await upstreamReceived(response.headers.get('x-switchboard-channel')!, TOOL_RESULT_TEXT)).toBe(true);
  });

  it('tool_use → tool_result round trip, streamed', async () => {
    const stream = anthropicClient().messages.stream(forced(model));
    let partialJson = '';
    stream.on('inputJson', (delta) => (partialJson += delta));
    const first = await stream.finalMessage();
    const use = toolUseOf(first);
    expect(JSON.parse(partialJson)).toEqual(use.input);

    const second = await anthropicClient().messages.stream(secondTurn(model, first, use)).finalMessage();
    expect(second.stop_reason).toBe('end_turn');
    expectToolResultReply(textOf(second));
  });
});

describe('Anthropic SDK models and token counting', () => {
  it('models.retrieve and models.list in Anthropic shape', async () => {
    const model = await anthropicClient().models.retrieve('m-anthropic');
    expect(model.id).toBe('m-anthropic');
    expect(model.type).toBe('model');
    expect(typeof model.display_name).toBe('string');
    const ids: string[] = [];
    for await (const entry of anthropicClient().models.list()) ids.push(entry.id);
    for (const { model: id } of DIALECT_CHANNELS) expect(ids).toContain(id);
  });

  it.each(DIALECT_CHANNELS)('messages.countTokens → $dialect model', async ({ model }) => {
    const counted = await anthropicClient().messages.countTokens({ model, tools, messages: [question] });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });
});
