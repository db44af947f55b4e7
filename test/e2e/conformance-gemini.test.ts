// The official `@google/genai` 3.x client with its DEFAULT API version (v1) against every
// channel dialect: text and a function-call round trip (functionCall → functionResponse →
// text), streamed and not, plus the models API, countTokens and embedContent.
import { describe, expect, it } from 'vitest';
import { FunctionCallingConfigMode, Type, type Content, type FunctionCall, type GenerateContentParameters } from '@google/genai';
import { DIALECT_CHANNELS, TOOL_RESULT_TEXT, expectToolResultReply, geminiClient, upstreamReceived } from './helpers';

const functionDeclarations = [
  {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: Type.OBJECT,
      properties: { city: { type: Type.STRING }, unit: { type: Type.STRING, enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
    },
  },
];

const question: Content = { role: 'user', parts: [{ text: 'Weather in Paris?' }] };

const forced = (model: string): GenerateContentParameters => ({
  model,
  contents: [question],
  config: {
    tools: [{ functionDeclarations }],
    toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_weather'] } },
  },
});

/** The second turn: the model's content as it came (functionCall part, with any thought signature) and our functionResponse. */
const secondTurn = (model: string, modelContent: Content, call: FunctionCall): GenerateContentParameters => ({
  model,
  contents: [
    question,
    modelContent,
    { role: 'user', parts: [{ functionResponse: { id: call.id, name: call.name, response: { result: TOOL_RESULT_TEXT } } }] },
  ],
  config: { tools: [{ functionDeclarations }] },
});

function expectWeatherCall(call: FunctionCall | undefined): FunctionCall {
  expect(call, 'no function call').toBeDefined();
  expect(call!.name).toBe('get_weather');
  expect(typeof call!.args!.city).toBe('string');
  return call!;
}

describe.each(DIALECT_CHANNELS)('Gemini SDK (default API version) → $dialect channel', ({ model, channel }) => {
  it('text, not streamed', async () => {
    const response = await geminiClient().models.generateContent({
      model,
      contents: 'Hello there',
      config: { systemInstruction: 'Be brief.', maxOutputTokens: 200 },
    });
    expect(response.sdkHttpResponse?.headers?.['x-switchboard-channel']).toMatch(channel);
    expect(response.text!.length).toBeGreaterThan(0);
    expect(response.candidates![0]!.finishReason).toBe('STOP');
    expect(response.usageMetadata!.promptTokenCount).toBeGreaterThan(0);
    expect(response.usageMetadata!.candidatesTokenCount).toBeGreaterThan(0);
  });

  it('text, streamed', async () => {
    const stream = await geminiClient().models.generateContentStream({ model, contents: 'Stream to me' });
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

  it('function call round trip, not streamed', async () => {
    const first = await geminiClient().models.generateContent(forced(model));
    const call = expectWeatherCall(first.functionCalls?.[0]);
    const second = await geminiClient().models.generateContent(secondTurn(model, first.candidates![0]!.content!, call));
    expect(second.functionCalls ?? []).toHaveLength(0);
    expect(second.candidates![0]!.finishReason).toBe('STOP');
    expectToolResultReply(second.text ?? '');
    const channelId = second.sdkHttpResponse?.headers?.['x-switchboard-channel'];
    expect(await upstreamReceived(channelId!, TOOL_RESULT_TEXT)).toBe(true);
  });

  it('function call round trip, streamed', async () => {
    const stream = await geminiClient().models.generateContentStream(forced(model));
    const parts: NonNullable<Content['parts']> = [];
    for await (const chunk of stream) parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    const call = expectWeatherCall(parts.find((part) => part.functionCall)?.functionCall);

    const second = await geminiClient().models.generateContentStream(secondTurn(model, { role: 'model', parts }, call));
    let text = '';
    for await (const chunk of second) text += chunk.text ?? '';
    expectToolResultReply(text);
  });

  it('countTokens', async () => {
    const counted = await geminiClient().models.countTokens({ model, contents: 'How many tokens is this?' });
    expect(counted.totalTokens).toBeGreaterThan(0);
  });
});

describe('Gemini SDK models and embeddings', () => {
  it('models.get names the model in Gemini shape', async () => {
    const model = await geminiClient().models.get({ model: 'm-gemini' });
    expect(model.name).toBe('models/m-gemini');
    expect(model.supportedActions ?? ['generateContent']).toContain('generateContent');
  });

  it('models.list pages through the catalog', async () => {
    const names: string[] = [];
    for await (const model of await geminiClient().models.list()) names.push(model.name ?? '');
    for (const { model } of DIALECT_CHANNELS) expect(names).toContain(`models/${model}`);
  });

  it('embedContent on a model with an embeddings channel', async () => {
    const response = await geminiClient().models.embedContent({ model: 'embed-test', contents: ['one sentence', 'another sentence'] });
    expect(response.embeddings).toHaveLength(2);
    for (const embedding of response.embeddings!) expect(embedding.values!.length).toBeGreaterThan(0);
  });
});
