import { describe, expect, it } from 'vitest';
import { isOwnState, signState } from './dialects/reasoning-signatures';
import { postJson, readSse, readSseJson, useSimulator } from './test-helpers';

const simulator = useSimulator();
const anthropicUrl = () => `${simulator.get().url}/zero-anthropic/v1/messages`;
const geminiUrl = (method = 'generateContent') => `${simulator.get().url}/zero-gemini/v1beta/models/gemini-2.5-flash:${method}`;
const thinking = { type: 'enabled', budget_tokens: 1024 };
const question = { role: 'user', content: 'Plan a trip.' };
const geminiThinking = { thinkingConfig: { thinkingBudget: 512 } };
const tool = { functionDeclarations: [{ name: 'book', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } }] };

describe('reasoning state signatures', () => {
  it('are deterministic, recognised by their dialect only, and bound to content when asked', () => {
    const value = signState('anthropic', 'thought');
    expect(signState('anthropic', 'thought')).toBe(value);
    expect(isOwnState('anthropic', value, 'thought')).toBe(true);
    expect(isOwnState('anthropic', value, 'edited thought')).toBe(false);
    expect(isOwnState('gemini', value)).toBe(false);
    expect(isOwnState('openai-responses', signState('openai-responses', 'x'))).toBe(true);
    expect(isOwnState('anthropic', 'sb1.eyJkIjoiZ2VtaW5pIn0')).toBe(false);
    expect(isOwnState('anthropic', Buffer.from('sbsim1|anthropic|00000000|00000000').toString('base64'))).toBe(false);
  });
});

describe('anthropic thinking signatures', () => {
  it('signs thinking blocks (and the streamed signature_delta) and accepts them back unchanged', async () => {
    const body = await (await postJson(anthropicUrl(), { model: 'm', max_tokens: 2048, thinking, messages: [question] })).json<any>();
    const block = body.content[0];
    expect(block.type).toBe('thinking');
    expect(isOwnState('anthropic', block.signature, block.thinking)).toBe(true);
    const events = await readSseJson(await postJson(anthropicUrl(), { model: 'm', max_tokens: 2048, thinking, messages: [question], stream: true }));
    const signature = events.find((event) => event.delta?.type === 'signature_delta').delta.signature;
    expect(signature).toBe(block.signature);

    const next = (content: unknown[]) => ({ model: 'm', max_tokens: 2048, thinking, messages: [question, { role: 'assistant', content }, { role: 'user', content: 'Go on.' }] });
    expect((await postJson(anthropicUrl(), next(body.content))).status).toBe(200);
    const forged = await postJson(anthropicUrl(), next([{ ...block, signature: 'EqQBCkgIARABGAIiQGZvcmdlZA==' }, body.content[1]]));
    expect(forged.status).toBe(400);
    expect(await forged.json<any>()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'messages.1.content.0: Invalid `signature` in `thinking` block' } });
    const edited = await postJson(anthropicUrl(), next([{ ...block, thinking: `${block.thinking} (edited)` }, body.content[1]]));
    expect(edited.status).toBe(400);
    const redacted = await postJson(anthropicUrl(), next([{ type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' }, body.content[1]]));
    expect(redacted.status).toBe(400);
  });

  it('with display "omitted", returns empty thinking with a signature over it, streamed without thinking deltas', async () => {
    const request = { model: 'm', max_tokens: 2048, thinking: { ...thinking, display: 'omitted' }, messages: [question] };
    const body = await (await postJson(anthropicUrl(), request)).json<any>();
    expect(body.content[0]).toMatchObject({ type: 'thinking', thinking: '' });
    expect(isOwnState('anthropic', body.content[0].signature, '')).toBe(true);
    expect(body.usage.output_tokens_details.thinking_tokens).toBe(16);
    const events = await readSseJson(await postJson(anthropicUrl(), { ...request, stream: true }));
    const deltas = events.filter((event) => event.type === 'content_block_delta').map((event) => event.delta.type);
    expect(deltas).not.toContain('thinking_delta');
    expect(deltas[0]).toBe('signature_delta');
    const next = { ...request, messages: [question, { role: 'assistant', content: body.content }, { role: 'user', content: 'Go on.' }] };
    expect((await postJson(anthropicUrl(), next)).status).toBe(200);
  });
});

describe('gemini thought signatures', () => {
  it('puts a thoughtSignature on the first answer part, or on the functionCall part', async () => {
    const contents = [{ role: 'user', parts: [{ text: 'Plan a trip.' }] }];
    const text = await (await postJson(geminiUrl(), { contents, generationConfig: geminiThinking })).json<any>();
    const part = text.candidates[0].content.parts[0];
    expect(isOwnState('gemini', part.thoughtSignature)).toBe(true);
    const plain = await (await postJson(geminiUrl(), { contents })).json<any>();
    expect(plain.candidates[0].content.parts[0].thoughtSignature).toBeUndefined();

    const call = await (await postJson(geminiUrl(), { contents, tools: [tool], toolConfig: { functionCallingConfig: { mode: 'ANY' } }, generationConfig: geminiThinking })).json<any>();
    expect(call.candidates[0].content.parts[0]).toMatchObject({ functionCall: { name: 'book' }, thoughtSignature: expect.any(String) });

    const streamed = await readSseJson(await postJson(`${geminiUrl('streamGenerateContent')}?alt=sse`, { contents, generationConfig: { ...geminiThinking, thinkingConfig: { includeThoughts: true } } }));
    const parts = streamed.map((chunk) => chunk.candidates[0].content.parts[0]);
    const firstAnswer = parts.findIndex((item) => item.thought !== true);
    expect(parts[firstAnswer].thoughtSignature).toEqual(expect.any(String));
    expect(parts.filter((item) => item.thoughtSignature !== undefined)).toHaveLength(1);
  });

  it('accepts its own signatures and the documented skip value, rejects others with INVALID_ARGUMENT', async () => {
    const contents = [{ role: 'user', parts: [{ text: 'Plan a trip.' }] }];
    const call = await (await postJson(geminiUrl(), { contents, tools: [tool], toolConfig: { functionCallingConfig: { mode: 'ANY' } }, generationConfig: geminiThinking })).json<any>();
    const modelTurn = call.candidates[0].content;
    const history = (signature: string) => [
      ...contents,
      { role: 'model', parts: [{ ...modelTurn.parts[0], thoughtSignature: signature }] },
      { role: 'user', parts: [{ functionResponse: { name: 'book', response: { result: 'booked' } } }] },
    ];
    expect((await postJson(geminiUrl(), { contents: history(modelTurn.parts[0].thoughtSignature), tools: [tool] })).status).toBe(200);
    expect((await postJson(geminiUrl(), { contents: history('skip_thought_signature_validator'), tools: [tool] })).status).toBe(200);
    const foreign = await postJson(geminiUrl(), { contents: history(signState('anthropic', 'x')), tools: [tool] });
    expect(foreign.status).toBe(400);
    expect((await foreign.json<any>()).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('contents[1].parts[0]') });
    const streamed = await postJson(`${geminiUrl('streamGenerateContent')}?alt=sse`, { contents: history('Cg0KC2ZvcmdlZA==') });
    expect(streamed.status).toBe(400);
    expect((await readSse(streamed)).length).toBe(0);
  });
});
