// The Vercel AI SDK (ai 7) through each of its providers against every channel dialect:
// generateText, streamText and a tool loop. The loop is driven the way an application drives
// it, without forcing tool_choice: the prompt carries the simulator's `[[call:NAME]]` marker,
// the SDK runs the tool, sends its result back and the model answers in text.
import { describe, expect, it } from 'vitest';
import { generateText, stepCountIs, streamText, tool, type LanguageModel } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { z } from 'zod';
import { DIALECT_CHANNELS, MAIN_KEY, TOOL_RESULT_TEXT, expectToolResultReply, stack } from './helpers';

/** Each AI SDK provider pointed at the worker the way its documentation says to set a base URL. */
const PROVIDERS: Array<{ name: string; model: (id: string) => LanguageModel }> = [
  {
    // The default `openai(model)` speaks the Responses API.
    name: '@ai-sdk/openai (Responses)',
    model: (id) => createOpenAI({ baseURL: `${stack().workerUrl}/v1`, apiKey: MAIN_KEY })(id),
  },
  {
    name: '@ai-sdk/openai .chat (Chat Completions)',
    model: (id) => createOpenAI({ baseURL: `${stack().workerUrl}/v1`, apiKey: MAIN_KEY }).chat(id),
  },
  {
    name: '@ai-sdk/openai-compatible',
    model: (id) => createOpenAICompatible({ name: 'switchboard', baseURL: `${stack().workerUrl}/v1`, apiKey: MAIN_KEY, includeUsage: true })(id),
  },
  {
    name: '@ai-sdk/anthropic',
    model: (id) => createAnthropic({ baseURL: `${stack().workerUrl}/v1`, apiKey: MAIN_KEY })(id),
  },
  {
    // The provider's default base URL is https://generativelanguage.googleapis.com/v1beta.
    name: '@ai-sdk/google',
    model: (id) => createGoogleGenerativeAI({ baseURL: `${stack().workerUrl}/v1beta`, apiKey: MAIN_KEY })(id),
  },
];

const PAIRS = PROVIDERS.flatMap((provider) => DIALECT_CHANNELS.map((channel) => ({ ...channel, provider })));

const weatherTool = () =>
  tool({
    description: 'Weather for a city',
    inputSchema: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) }),
    execute: async () => TOOL_RESULT_TEXT,
  });

const TOOL_PROMPT = 'Weather in Paris? [[call:get_weather {"city":"Paris","unit":"celsius"}]]';

describe.each(PAIRS)('$provider.name → $dialect channel', ({ provider, model, channel }) => {
  it('generateText', async () => {
    const result = await generateText({ model: provider.model(model), system: 'Be brief.', prompt: 'Hello there' });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.response.headers?.['x-switchboard-channel']).toMatch(channel);
  });

  it('streamText', async () => {
    const streamed = streamText({ model: provider.model(model), prompt: 'Stream to me' });
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    expect(text.length).toBeGreaterThan(0);
    expect(await streamed.finishReason).toBe('stop');
    expect((await streamed.usage).outputTokens).toBeGreaterThan(0);
  });

  it('tool loop with generateText', async () => {
    const result = await generateText({
      model: provider.model(model),
      prompt: TOOL_PROMPT,
      tools: { get_weather: weatherTool() },
      stopWhen: stepCountIs(3),
    });
    const call = result.steps[0]!.toolCalls[0];
    expect(call?.toolName).toBe('get_weather');
    expect(call?.input).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(result.steps[0]!.toolResults[0]?.output).toBe(TOOL_RESULT_TEXT);
    expect(result.steps).toHaveLength(2);
    expectToolResultReply(result.text);
  });

  it('tool loop with streamText', async () => {
    const streamed = streamText({
      model: provider.model(model),
      prompt: TOOL_PROMPT,
      tools: { get_weather: weatherTool() },
      stopWhen: stepCountIs(3),
    });
    const calls: string[] = [];
    for await (const part of streamed.fullStream) {
      if (part.type === 'tool-call') calls.push(part.toolName);
      if (part.type === 'error') throw part.error;
    }
    expect(calls).toEqual(['get_weather']);
    expect((await streamed.steps).length).toBe(2);
    expectToolResultReply(await streamed.text);
  });
});
