// The timed prompt cache (behaviour `prompt_cache`): a conversation's next turn reads the
// previous turn's whole prompt from the cache, in every dialect's usage, and answers faster;
// the cache expires after ttl_s; without the behaviour nothing changes.
import { describe, expect, it } from 'vitest';
import { postJson, useSimulator } from './test-helpers';

const simulator = useSimulator([
  { name: 'cache-openai', dialect: 'openai', ttft_ms: 300, prompt_cache: { ttl_s: 0.4, warm_ttft_factor: 0.1 } },
  { name: 'cache-anthropic', dialect: 'anthropic', prompt_cache: {} },
  { name: 'cache-gemini', dialect: 'gemini', prompt_cache: {} },
  { name: 'cache-responses', dialect: 'openai-responses', prompt_cache: {} },
  { name: 'plain-openai', dialect: 'openai' },
]);
const url = (name: string, path: string) => `${simulator.get().url}/${name}${path}`;
const SYSTEM = 'Rules of the house. '.repeat(400); // ~2,000 tokens

function history(turns: number): Array<{ role: string; content: string }> {
  const messages: Array<{ role: string; content: string }> = [];
  for (let turn = 1; turn <= turns; turn++) {
    messages.push({ role: 'user', content: `question number ${turn}` });
    if (turn < turns) messages.push({ role: 'assistant', content: `answer number ${turn}` });
  }
  return messages;
}

async function openaiTurn(name: string, turns: number): Promise<{ cached: number; prompt: number; ms: number }> {
  const started = Date.now();
  const body = await (await postJson(url(name, '/v1/chat/completions'), { model: 'm', messages: [{ role: 'system', content: SYSTEM }, ...history(turns)] })).json<any>();
  return { cached: body.usage.prompt_tokens_details.cached_tokens, prompt: body.usage.prompt_tokens, ms: Date.now() - started };
}

describe('timed prompt cache', () => {
  it('turn N reads turn N-1 from the cache, faster, and nothing after the lifetime', async () => {
    const first = await openaiTurn('cache-openai', 1);
    expect(first.cached).toBe(0);
    const second = await openaiTurn('cache-openai', 2);
    expect(second.cached).toBeGreaterThanOrEqual(1_024);
    expect(second.cached % 128).toBe(0);
    expect(second.cached).toBeLessThanOrEqual(second.prompt);
    expect(second.ms).toBeLessThan(first.ms);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await openaiTurn('cache-openai', 3)).cached).toBe(0);
  });

  it('is reported in each dialect', async () => {
    const anthropic = async (turns: number) => (await (await postJson(url('cache-anthropic', '/v1/messages'), { model: 'm', max_tokens: 50, system: SYSTEM, messages: history(turns) })).json<any>()).usage.cache_read_input_tokens;
    expect(await anthropic(1)).toBe(0);
    expect(await anthropic(2)).toBeGreaterThanOrEqual(1_024);
    const gemini = async (turns: number) => (await (await postJson(url('cache-gemini', '/v1beta/models/m:generateContent'), { systemInstruction: { parts: [{ text: SYSTEM }] }, contents: history(turns).map((message) => ({ role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: message.content }] })) })).json<any>()).usageMetadata.cachedContentTokenCount;
    expect(await gemini(1)).toBeUndefined();
    expect(await gemini(2)).toBeGreaterThanOrEqual(1_024);
    const responses = async (turns: number) => (await (await postJson(url('cache-responses', '/v1/responses'), { model: 'm', instructions: SYSTEM, input: history(turns) })).json<any>()).usage.input_tokens_details.cached_tokens;
    expect(await responses(1)).toBe(0);
    expect(await responses(2)).toBeGreaterThanOrEqual(1_024);
  });

  it('without the behaviour, a new turn of a conversation reads nothing (the default cache)', async () => {
    await openaiTurn('plain-openai', 1);
    expect((await openaiTurn('plain-openai', 2)).cached).toBe(0);
  });
});
