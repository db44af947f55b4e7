// The OpenAI Agents SDK with its default model API (Responses) against every channel
// dialect: an Agent with one function tool, run streamed and not. The prompt's
// `[[call:NAME]]` marker makes the simulator call the tool without forcing tool_choice.
import { beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled, tool } from '@openai/agents';
import { z } from 'zod';
import { DIALECT_CHANNELS, MAIN_KEY, TOOL_RESULT_TEXT, expectToolResultReply, stack, upstreamReceived } from './helpers';

const calls: Array<{ city: string }> = [];

const weather = tool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async (input) => {
    calls.push(input);
    return TOOL_RESULT_TEXT;
  },
});

beforeAll(() => {
  setDefaultOpenAIClient(new OpenAI({ baseURL: `${stack().workerUrl}/v1`, apiKey: MAIN_KEY, maxRetries: 0 }));
  setOpenAIAPI('responses');
  setTracingDisabled(true);
});

const agentFor = (model: string) => new Agent({ name: 'weather', instructions: 'Answer weather questions with the tool.', model, tools: [weather] });

const PROMPT = 'Weather in Paris? [[call:get_weather {"city":"Paris"}]]';

describe.each(DIALECT_CHANNELS)('OpenAI Agents SDK (Responses) → $dialect channel', ({ model }) => {
  it('run: the tool is called and its result answered', async () => {
    calls.length = 0;
    const result = await run(agentFor(model), PROMPT);
    expect(calls).toEqual([{ city: 'Paris' }]);
    expectToolResultReply(String(result.finalOutput));
    expect(result.newItems.map((item) => item.type)).toEqual(['tool_call_item', 'tool_call_output_item', 'message_output_item']);
  });

  it('run, streamed', async () => {
    calls.length = 0;
    const result = await run(agentFor(model), PROMPT, { stream: true });
    let text = '';
    for await (const delta of result.toTextStream()) text += delta;
    await result.completed;
    expect(calls).toEqual([{ city: 'Paris' }]);
    expectToolResultReply(String(result.finalOutput));
    expect(text).toContain(TOOL_RESULT_TEXT);
  });

  it('run without a tool call answers in text', async () => {
    const result = await run(agentFor(model), 'Hello there');
    expect(String(result.finalOutput).length).toBeGreaterThan(0);
  });
});

describe('OpenAI Agents SDK upstream view', () => {
  it('the Responses channel received the function_call_output unchanged', async () => {
    await run(agentFor('m-responses'), PROMPT);
    expect(await upstreamReceived('ch-responses', TOOL_RESULT_TEXT)).toBe(true);
  });
});
