// Every client × channel pair through the official SDKs against the real stack: plain
// text and a forced tool call, streaming and not, asserting what the SDK itself parses.
import { describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI, FunctionCallingConfigMode, Type } from '@google/genai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText, tool } from 'ai';
import { z } from 'zod';
import { MAIN_KEY, stack } from './helpers';

/** One catalog model per channel dialect (test/e2e/config.json). */
const CHANNELS = [
  { dialect: 'openai', model: 'gpt-test', channel: /^ch-(a|b)$/ },
  { dialect: 'anthropic', model: 'm-anthropic', channel: /^ch-anthropic$/ },
  { dialect: 'gemini', model: 'm-gemini', channel: /^ch-gemini$/ },
] as const;

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city', 'unit'],
} as const;

const openai = () => new OpenAI({ apiKey: MAIN_KEY, baseURL: `${stack().workerUrl}/v1`, maxRetries: 0 });
const anthropic = () => new Anthropic({ apiKey: MAIN_KEY, baseURL: stack().workerUrl, maxRetries: 0 });
const gemini = () => new GoogleGenAI({ apiKey: MAIN_KEY, httpOptions: { baseUrl: stack().workerUrl } });

describe.each(CHANNELS)('OpenAI SDK client → $dialect channel', ({ model, channel }) => {
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
    const stream = await openai().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Stream to me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
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

  it('forced tool call, not streamed and streamed', async () => {
    const request = {
      model,
      messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
      tools: [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: weatherSchema } }],
      tool_choice: { type: 'function' as const, function: { name: 'get_weather' } },
    };
    const whole = await openai().chat.completions.create(request);
    const call = whole.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments);
    expect(typeof args.city).toBe('string');
    expect(['celsius', 'fahrenheit']).toContain(args.unit);
    expect(whole.choices[0]!.finish_reason).toBe('tool_calls');

    const stream = await openai().chat.completions.create({ ...request, stream: true });
    let name = '';
    let argumentText = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      if (delta?.function?.name) name += delta.function.name;
      if (delta?.function?.arguments) argumentText += delta.function.arguments;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(argumentText)).toHaveProperty('city');
    expect(finish).toBe('tool_calls');
  });
});

describe.each(CHANNELS)('Anthropic SDK client → $dialect channel', ({ model }) => {
  it('text, not streamed', async () => {
    const message = await anthropic().messages.create({
      model,
      max_tokens: 200,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    expect(message.type).toBe('message');
    expect(message.id).toMatch(/^msg_/);
    const text = message.content.filter((block) => block.type === 'text').map((block) => (block as Anthropic.TextBlock).text).join('');
    expect(text.length).toBeGreaterThan(0);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('text, streamed', async () => {
    const stream = anthropic().messages.stream({ model, max_tokens: 200, messages: [{ role: 'user', content: 'Stream to me' }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text.length).toBeGreaterThan(0);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('forced tool call, not streamed and streamed', async () => {
    const request = {
      model,
      max_tokens: 200,
      messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: weatherSchema as unknown as Anthropic.Tool.InputSchema }],
      tool_choice: { type: 'tool' as const, name: 'get_weather' },
    };
    const message = await anthropic().messages.create(request);
    const use = message.content.find((block) => block.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(use.name).toBe('get_weather');
    expect(typeof (use.input as any).city).toBe('string');
    expect(message.stop_reason).toBe('tool_use');

    const final = await anthropic().messages.stream(request).finalMessage();
    const streamed = final.content.find((block) => block.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(streamed.name).toBe('get_weather');
    expect(typeof (streamed.input as any).city).toBe('string');
    expect(final.stop_reason).toBe('tool_use');
  });
});

describe.each(CHANNELS)('Gemini SDK client → $dialect channel', ({ model }) => {
  it('text, not streamed', async () => {
    const response = await gemini().models.generateContent({
      model,
      contents: 'Hello there',
      config: { systemInstruction: 'Be brief.', maxOutputTokens: 200 },
    });
    expect(response.text!.length).toBeGreaterThan(0);
    expect(response.candidates![0]!.finishReason).toBe('STOP');
    expect(response.usageMetadata!.promptTokenCount).toBeGreaterThan(0);
    expect(response.usageMetadata!.candidatesTokenCount).toBeGreaterThan(0);
  });

  it('text, streamed', async () => {
    const stream = await gemini().models.generateContentStream({ model, contents: 'Stream to me' });
    let text = '';
    let finish: string | undefined;
    let output = 0;
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
      output = chunk.usageMetadata?.candidatesTokenCount ?? output;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('STOP');
    expect(output).toBeGreaterThan(0);
  });

  it('forced function call, not streamed and streamed', async () => {
    const request = {
      model,
      contents: 'Weather in Paris?',
      config: {
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Weather for a city',
                parameters: {
                  type: Type.OBJECT,
                  properties: { city: { type: Type.STRING }, unit: { type: Type.STRING, enum: ['celsius', 'fahrenheit'] } },
                  required: ['city', 'unit'],
                },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_weather'] } },
      },
    };
    const response = await gemini().models.generateContent(request);
    const call = response.functionCalls![0]!;
    expect(call.name).toBe('get_weather');
    expect(typeof call.args!.city).toBe('string');

    const stream = await gemini().models.generateContentStream(request);
    const calls = [];
    for await (const chunk of stream) calls.push(...(chunk.functionCalls ?? []));
    expect(calls[0]!.name).toBe('get_weather');
    expect(typeof calls[0]!.args!.city).toBe('string');
  });
});

describe.each(CHANNELS)('Vercel AI SDK (openai-compatible) → $dialect channel', ({ model }) => {
  const provider = () => createOpenAICompatible({ name: 'switchboard', baseURL: `${stack().workerUrl}/v1`, apiKey: MAIN_KEY, includeUsage: true });

  it('generateText and streamText', async () => {
    const result = await generateText({ model: provider()(model), prompt: 'Hello there' });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.finishReason).toBe('stop');
    expect(result.usage.outputTokens).toBeGreaterThan(0);

    const streamed = streamText({ model: provider()(model), prompt: 'Stream to me' });
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    expect(text.length).toBeGreaterThan(0);
    expect((await streamed.usage).outputTokens).toBeGreaterThan(0);
  });

  it('a forced tool call', async () => {
    const result = await generateText({
      model: provider()(model),
      prompt: 'Weather in Paris?',
      tools: { get_weather: tool({ description: 'Weather for a city', inputSchema: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) }) }) },
      toolChoice: { type: 'tool', toolName: 'get_weather' },
    });
    expect(result.toolCalls[0]!.toolName).toBe('get_weather');
    expect(typeof (result.toolCalls[0]!.input as any).city).toBe('string');
  });
});
