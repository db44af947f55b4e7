import { describe, expect, it } from 'vitest';
import type { Protocol } from '../core/types';
import { estimateTokens } from '../protocols/shared/estimate';
import { conversationOf, MINIMUM_CACHEABLE_TOKENS, type ConversationSource } from './conversation-key';

const SYSTEM = 'You are a careful assistant. '.repeat(200); // ~1,450 tokens

function source(protocol: Protocol, body: Record<string, unknown>): ConversationSource {
  return { protocol, body, input_tokens_estimate: estimateTokens(body) };
}

/** The body of turn `turns` (1-based) of one conversation, in each protocol's shape. */
function openaiTurn(turns: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const messages: unknown[] = [{ role: 'system', content: SYSTEM }];
  for (let turn = 1; turn <= turns; turn++) {
    messages.push({ role: 'user', content: `question ${turn}` });
    if (turn < turns) messages.push({ role: 'assistant', content: `answer ${turn} `.repeat(50) });
  }
  return { model: 'gpt-4o-mini', messages, ...extra };
}

function anthropicTurn(turns: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const messages: unknown[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    // Claude Code marks the newest user turn for caching: the marker moves every turn.
    const marker = turn === turns ? { cache_control: { type: 'ephemeral' } } : {};
    messages.push({ role: 'user', content: [{ type: 'text', text: `question ${turn}`, ...marker }] });
    if (turn < turns) messages.push({ role: 'assistant', content: [{ type: 'text', text: `answer ${turn} `.repeat(50) }] });
  }
  return { model: 'claude', max_tokens: 100, system: SYSTEM, messages, ...extra };
}

function geminiTurn(turns: number): Record<string, unknown> {
  const contents: unknown[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    contents.push({ role: 'user', parts: [{ text: `question ${turn}` }] });
    if (turn < turns) contents.push({ role: 'model', parts: [{ text: `answer ${turn} `.repeat(50) }] });
  }
  return { systemInstruction: { parts: [{ text: SYSTEM }] }, contents };
}

function responsesTurn(turns: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const input: unknown[] = [];
  for (let turn = 1; turn <= turns; turn++) {
    input.push({ role: 'user', content: `question ${turn}` });
    if (turn < turns) input.push({ type: 'function_call', call_id: `c${turn}`, name: 'shell', arguments: '{}' }, { type: 'function_call_output', call_id: `c${turn}`, output: 'ok '.repeat(50) }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `answer ${turn}` }] });
  }
  return { model: 'gpt-5', instructions: SYSTEM, input, ...extra };
}

const shapes: Array<[Protocol, (turns: number) => Record<string, unknown>]> = [
  ['openai', (turns) => openaiTurn(turns)],
  ['anthropic', (turns) => anthropicTurn(turns)],
  ['gemini', geminiTurn],
  ['openai-responses', (turns) => responsesTurn(turns)],
];

describe('conversationOf', () => {
  it.each(shapes)('%s: one key for every turn of a conversation, the prefix grows with the history', async (protocol, turnOf) => {
    const identities = await Promise.all([1, 2, 3, 4, 5].map((turns) => conversationOf(source(protocol, turnOf(turns)), 'm', 'u')));
    const keys = new Set(identities.map((identity) => identity?.key));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f]{32}$/);
    const prefixes = identities.map((identity) => identity!.prefix_tokens);
    for (let index = 1; index < prefixes.length; index++) expect(prefixes[index]).toBeGreaterThan(prefixes[index - 1]!);
    // The turn the request is: its user turns, on all four protocols.
    expect(identities.map((identity) => identity!.turn)).toEqual([1, 2, 3, 4, 5]);
    // Turn 1: the system prompt alone is cacheable; the new question is not.
    expect(prefixes[0]).toBeGreaterThanOrEqual(estimateTokens(SYSTEM) - 5);
    expect(prefixes[0]).toBeLessThan(estimateTokens(SYSTEM) + 20);
  });

  it('different first questions, models or system prompts are different conversations', async () => {
    const base = (await conversationOf(source('openai', openaiTurn(2)), 'm', 'u'))!.key;
    const otherQuestion = openaiTurn(2);
    (otherQuestion.messages as Array<{ content: string }>)[1]!.content = 'another question';
    expect((await conversationOf(source('openai', otherQuestion), 'm', 'u'))!.key).not.toBe(base);
    expect((await conversationOf(source('openai', openaiTurn(2)), 'other-model', 'u'))!.key).not.toBe(base);
    // A prefix hash is shared between users: the provider's cache is too.
    expect((await conversationOf(source('openai', openaiTurn(2)), 'm', 'someone-else'))!.key).toBe(base);
  });

  it('an explicit client id wins over the prefix, and is scoped to the user and model', async () => {
    const one = await conversationOf(source('openai', openaiTurn(1, { prompt_cache_key: 'session-1' })), 'm', 'u');
    const same = await conversationOf(source('openai', { ...openaiTurn(3), prompt_cache_key: 'session-1', messages: [{ role: 'user', content: 'x'.repeat(8_000) }] }), 'm', 'u');
    expect(same!.key).toBe(one!.key);
    expect((await conversationOf(source('openai', openaiTurn(1, { prompt_cache_key: 'session-1' })), 'm', 'other-user'))!.key).not.toBe(one!.key);
    expect((await conversationOf(source('openai', openaiTurn(1, { prompt_cache_key: 'session-2' })), 'm', 'u'))!.key).not.toBe(one!.key);
    const responses = await conversationOf(source('openai-responses', responsesTurn(1, { prompt_cache_key: 'session-1' })), 'm', 'u');
    expect(responses!.key).toBe(one!.key);
    const claude = await conversationOf(source('anthropic', anthropicTurn(2, { metadata: { user_id: 'user_ab_account_cd_session_ef' } })), 'm', 'u');
    const claudeLater = await conversationOf(source('anthropic', anthropicTurn(4, { metadata: { user_id: 'user_ab_account_cd_session_ef' } })), 'm', 'u');
    expect(claude!.key).toBe(claudeLater!.key);
    expect(claude!.key).not.toBe((await conversationOf(source('anthropic', anthropicTurn(2)), 'm', 'u'))!.key);
  });

  it('a garbage or oversized client id falls back to the prefix hash', async () => {
    const byPrefix = (await conversationOf(source('openai', openaiTurn(2)), 'm', 'u'))!.key;
    for (const garbage of [42, '', 'x'.repeat(513), { nested: true }, null, ['a']]) {
      expect((await conversationOf(source('openai', openaiTurn(2, { prompt_cache_key: garbage })), 'm', 'u'))!.key).toBe(byPrefix);
    }
    const odd = await conversationOf(source('openai', openaiTurn(2, { prompt_cache_key: '\u0000\ud800💥\n' })), 'm', 'u');
    expect(odd!.key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a prompt shorter than the providers minimum cacheable size has no conversation', async () => {
    const short = { model: 'm', messages: [{ role: 'system', content: 'brief' }, { role: 'user', content: 'hi' }] };
    expect(await conversationOf(source('openai', short), 'm', 'u')).toBeNull();
    expect(await conversationOf({ protocol: 'openai', body: openaiTurn(1), input_tokens_estimate: MINIMUM_CACHEABLE_TOKENS - 1 }, 'm', 'u')).toBeNull();
  });

  it('malformed bodies never throw', async () => {
    const bodies: Array<Record<string, unknown>> = [{}, { messages: 'nope' }, { messages: [null, 1, 'x', []] }, { input: 42 }, { contents: [{ parts: 'x' }] }, { metadata: 'x', messages: [{}] }];
    for (const protocol of ['openai', 'anthropic', 'gemini', 'openai-responses'] as const) {
      for (const body of bodies) {
        const identity = await conversationOf({ protocol, body, input_tokens_estimate: 5_000 }, 'm', 'u');
        expect(identity?.key).toMatch(/^[0-9a-f]{32}$/);
        expect(identity!.prefix_tokens).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
