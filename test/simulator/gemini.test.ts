import { GoogleGenAI } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { postJson, readSse, useSimulator } from './test-helpers';

const simulator = useSimulator();
const modelUrl = (method: string, query = '') => `${simulator.get().url}/zero-gemini/v1beta/models/gemini-2.5-flash:${method}${query}`;
const contents = [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }];

const weatherFunction = {
  name: 'get_weather',
  parameters: {
    type: 'OBJECT',
    properties: {
      city: { type: 'STRING' },
      unit: { type: 'STRING', enum: ['C', 'F'] },
      hours: { type: 'ARRAY', items: { type: 'INTEGER', minimum: 0, maximum: 23 }, minItems: 2 },
    },
    required: ['city', 'unit', 'hours'],
  },
};
const lowerCased = JSON.parse(JSON.stringify(weatherFunction.parameters).replace(/"type":"([A-Z]+)"/g, (_, type: string) => `"type":"${type.toLowerCase()}"`));

describe('gemini generateContent', () => {
  it('answers with candidates, finishReason STOP and usageMetadata', async () => {
    const response = await postJson(modelUrl('generateContent'), { contents });
    expect(response.status).toBe(200);
    const body = await response.json<any>();
    expect(body.candidates[0]).toMatchObject({ content: { role: 'model' }, finishReason: 'STOP', index: 0 });
    expect(body.candidates[0].content.parts[0].text.split(' ')).toHaveLength(64);
    expect(body.usageMetadata).toMatchObject({ promptTokenCount: 8, candidatesTokenCount: 64, totalTokenCount: 72 });
    expect(body.modelVersion).toBe('gemini-2.5-flash');
    expect(typeof body.responseId).toBe('string');
  });

  it('stops at maxOutputTokens with MAX_TOKENS', async () => {
    const body = await (await postJson(modelUrl('generateContent'), { contents, generationConfig: { maxOutputTokens: 7 } })).json<any>();
    expect(body.candidates[0].finishReason).toBe('MAX_TOKENS');
    expect(body.usageMetadata.candidatesTokenCount).toBe(7);
  });

  it('streams SSE with alt=sse, the last chunk carrying finishReason and full usage', async () => {
    const response = await postJson(modelUrl('streamGenerateContent', '?alt=sse'), { contents, generationConfig: { maxOutputTokens: 5 } });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const chunks = (await readSse(response)).map((event) => JSON.parse(event.data));
    expect(chunks).toHaveLength(5);
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates[0].finishReason === undefined)).toBe(true);
    expect(chunks.at(-1).candidates[0].finishReason).toBe('MAX_TOKENS');
    expect(chunks.at(-1).usageMetadata).toMatchObject({ promptTokenCount: 8, candidatesTokenCount: 5, totalTokenCount: 13 });
  });

  it('streams a JSON array without alt=sse', async () => {
    const response = await postJson(modelUrl('streamGenerateContent'), { contents, generationConfig: { maxOutputTokens: 3 } });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const chunks = JSON.parse(await response.text());
    expect(chunks).toHaveLength(3);
    expect(chunks.map((chunk: any) => chunk.candidates[0].content.parts[0].text).join('').split(' ')).toHaveLength(3);
  });

  it('calls a function in mode ANY with args satisfying the (upper-case) schema, honouring allowedFunctionNames', async () => {
    const tools = [{ functionDeclarations: [{ name: 'other', parameters: { type: 'OBJECT', properties: {} } }, weatherFunction] }];
    const toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } };
    const body = await (await postJson(modelUrl('generateContent'), { contents, tools, toolConfig })).json<any>();
    const call = body.candidates[0].content.parts[0].functionCall;
    expect(call.name).toBe('get_weather');
    expect(z.fromJSONSchema(lowerCased).safeParse(call.args).success).toBe(true);
    expect(body.candidates[0].finishReason).toBe('STOP');
    const chunks = (await readSse(await postJson(modelUrl('streamGenerateContent', '?alt=sse'), { contents, tools, tool_config: toolConfig }))).map((event) => JSON.parse(event.data));
    expect(chunks).toHaveLength(1);
    expect(chunks[0].candidates[0].content.parts[0].functionCall).toEqual(call);
  });

  it('answers with text after a functionResponse', async () => {
    const history = [
      ...contents,
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 21 } } }] },
    ];
    const body = await (
      await postJson(modelUrl('generateContent'), { contents: history, tools: [{ functionDeclarations: [weatherFunction] }], toolConfig: { functionCallingConfig: { mode: 'ANY' } } })
    ).json<any>();
    expect(typeof body.candidates[0].content.parts[0].text).toBe('string');
  });

  it('reports thoughts, and returns them as thought parts when includeThoughts is set', async () => {
    const counted = await (await postJson(modelUrl('generateContent'), { contents, generationConfig: { thinkingConfig: { thinkingBudget: 512 } } })).json<any>();
    expect(counted.usageMetadata).toMatchObject({ thoughtsTokenCount: 16, candidatesTokenCount: 64, totalTokenCount: 88 });
    expect(counted.candidates[0].content.parts).toHaveLength(1);
    const shown = await (await postJson(modelUrl('generateContent'), { contents, generationConfig: { thinkingConfig: { includeThoughts: true } } })).json<any>();
    expect(shown.candidates[0].content.parts[0].thought).toBe(true);
  });

  it('counts tokens', async () => {
    const body = await (await postJson(modelUrl('countTokens'), { contents })).json<any>();
    expect(body.totalTokens).toBe(8);
  });

  it('rejects bad requests with Gemini errors', async () => {
    const empty = await postJson(modelUrl('generateContent'), {});
    expect(empty.status).toBe(400);
    expect((await empty.json<any>()).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const unknownMethod = await postJson(modelUrl('embedEverything'), { contents });
    expect(unknownMethod.status).toBe(404);
    expect((await unknownMethod.json<any>()).error.status).toBe('NOT_FOUND');
  });

  it('works with the official @google/genai SDK, streaming and not', async () => {
    const client = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: `${simulator.get().url}/zero-gemini` } });
    const result = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(result.usageMetadata?.candidatesTokenCount).toBe(64);
    let text = '';
    for await (const chunk of await client.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi' })) text += chunk.text ?? '';
    expect(text).toBe(result.text);
  });
});
