// Anthropic answers: reasoning state read from upstream answers and streams, rendered back to
// Anthropic clients (raw or enveloped), cache usage both ways, and unreadable tool arguments.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../core/metering';
import type { CanonicalResponse, CanonicalStreamEvent } from '../canonical';
import { createTranslatingStream } from '../shared/stream-translator';
import type { AnthropicInbound } from '../inbound';
import type { ResponseContext, SourceEvent } from '../types';
import { convertAnthropicUsage, toAnthropicUsage } from './mapping';
import { parseAnthropicInbound } from './request';
import { checkToolArguments, readAnthropicResponse, renderAnthropicResponse } from './response';
import { createAnthropicPassthroughStream, createAnthropicStreamDecoder, createAnthropicStreamEncoder } from './stream';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const chunks = (name: string): SourceEvent[] =>
  fixture(name)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ event: line.slice(0, line.indexOf('\t')), data: line.slice(line.indexOf('\t') + 1) }));
const context: ResponseContext = { request_id: 'req_test_1', model: 'catalog-model', created_ms: 0, channel_id: 'c', price: { input_per_mtok: 1, output_per_mtok: 2 } };

function client(thinking: unknown = { type: 'adaptive' }): AnthropicInbound {
  const raw = JSON.stringify({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...(thinking ? { thinking } : {}) });
  const parsed = parseAnthropicInbound(JSON.parse(raw), raw, { operation: 'generate' });
  if (!parsed.ok) throw new Error('parse failed');
  return parsed.value;
}

function decode(events: SourceEvent[]): CanonicalStreamEvent[] {
  const decoder = createAnthropicStreamDecoder();
  return events.flatMap((event) => decoder.push(event));
}

/** Encoded frames → `{event, data}` pairs. */
function frames(text: string[]): { event: string; data: Record<string, unknown> }[] {
  return text.join('').split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
    const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
    return { event, data: JSON.parse(data) as Record<string, unknown> };
  });
}
const toEvents = (encoded: string[]): SourceEvent[] => frames(encoded).map((frame) => ({ event: frame.event, data: JSON.stringify(frame.data) }));

const SIGNATURE = { dialect: 'anthropic', value: 'EuYBCkQYAiJAgCs1le6/Pol5Z4/JMomVOouGrWdhYNsH3ukzUECbB6iWrSQtsQuRHJID6lWV7Mb1A8ZvaFE1r6GcXmkUdUgGNJg==', kind: 'signature' } as const;
const REDACTED = { dialect: 'anthropic', value: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj2pLmN0NI/hiRhZrwE=', kind: 'redacted' } as const;

describe('cache usage', () => {
  it('splits writes into 5-minute and 1-hour, counting every input once', () => {
    const usage = convertAnthropicUsage(JSON.parse(fixture('message-thinking.json')).usage);
    expect(usage).toEqual({ input_tokens: 4521, output_tokens: 393, cached_input_tokens: 3000, cache_write_tokens: 500, cache_write_1h_tokens: 1000, reasoning_tokens: 300 });
    expect(toAnthropicUsage(usage ?? usageOf({}))).toEqual({
      input_tokens: 21,
      output_tokens: 393,
      cache_read_input_tokens: 3000,
      cache_creation_input_tokens: 1500,
      cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1000 },
    });
  });

  it('treats writes without a split as 5-minute ones', () => {
    expect(convertAnthropicUsage({ input_tokens: 1, cache_creation_input_tokens: 9, output_tokens: 2 })).toMatchObject({ input_tokens: 10, cache_write_tokens: 9, cache_write_1h_tokens: 0 });
  });

  it('never reports a negative count', () => {
    const wire = toAnthropicUsage(usageOf({ input_tokens: 10, cached_input_tokens: 8, cache_write_tokens: 5, cache_write_1h_tokens: 5, output_tokens: -3 }));
    expect(wire).toEqual({ input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 8, cache_creation_input_tokens: 2, cache_creation: { ephemeral_5m_input_tokens: 2, ephemeral_1h_input_tokens: 0 } });
    expect(toAnthropicUsage(usageOf({ input_tokens: 7, output_tokens: 1 }))).toEqual({ input_tokens: 7, output_tokens: 1 });
  });
});

describe('non-streaming answers', () => {
  const read = readAnthropicResponse(fixture('message-thinking.json'));

  it('reads signatures and redacted thinking as Anthropic state', () => {
    expect(read.ok && read.value.parts).toEqual([
      { type: 'reasoning', text: 'To approach this, let me think about what we know about prime numbers.', state: SIGNATURE },
      { type: 'reasoning', text: '', state: REDACTED },
      { type: 'text', text: 'Yes, there are infinitely many prime numbers.' },
    ]);
  });

  it('renders them back byte-exact to an Anthropic client that asked for thinking', () => {
    if (!read.ok) throw new Error('read failed');
    const body = JSON.parse(renderAnthropicResponse(read.value, client(), context)) as { content: unknown[] };
    expect(body.content).toEqual([
      { type: 'thinking', thinking: 'To approach this, let me think about what we know about prime numbers.', signature: SIGNATURE.value },
      { type: 'redacted_thinking', data: REDACTED.value },
      { type: 'text', text: 'Yes, there are infinitely many prime numbers.' },
    ]);
    const plain = JSON.parse(renderAnthropicResponse(read.value, client(null), context)) as { content: unknown[] };
    expect(plain.content).toEqual([{ type: 'text', text: 'Yes, there are infinitely many prime numbers.' }]);
  });

  it("envelopes another dialect's state, and signs stateless reasoning with ''", () => {
    const response: CanonicalResponse = {
      parts: [
        { type: 'reasoning', text: 'summary', state: { dialect: 'openai-responses', value: 'gAAAA', kind: 'encrypted', id: 'rs_1' } },
        { type: 'reasoning', text: 'plain' },
      ],
      finish_reason: 'stop',
      usage: null,
    };
    const body = JSON.parse(renderAnthropicResponse(response, client({ type: 'enabled', budget_tokens: 1024 }), context)) as { content: { signature: string }[] };
    expect(body.content[0]?.signature).toMatch(/^sb1\./);
    expect(body.content[1]).toEqual({ type: 'thinking', thinking: 'plain', signature: '' });
  });

  it('refuses an answer whose tool arguments are not a JSON object', () => {
    const response: CanonicalResponse = { parts: [{ type: 'tool-call', id: 'c', name: 'f', arguments: '{"a": ' }], finish_reason: 'tool_calls', usage: null };
    expect(checkToolArguments(response)).toMatchObject({ ok: false, error: { kind: 'upstream', status: 502, error_class: 'server' } });
    expect(checkToolArguments({ ...response, parts: [{ type: 'tool-call', id: 'c', name: 'f', arguments: '' }] }).ok).toBe(true);
  });
});

describe('streams', () => {
  it('decodes redacted thinking and signature deltas as reasoning-state events', () => {
    const events = decode(chunks('stream-redacted-thinking.chunks.txt'));
    expect(events.filter((event) => event.type === 'reasoning-state')).toEqual([
      { type: 'reasoning-state', state: REDACTED },
      { type: 'reasoning-state', state: { dialect: 'anthropic', value: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds', kind: 'signature' } },
    ]);
    expect(events.filter((event) => event.type === 'usage').at(-1)).toEqual({
      type: 'usage',
      usage: { input_tokens: 4521, output_tokens: 120, cached_input_tokens: 3000, cache_write_tokens: 500, cache_write_1h_tokens: 1000, reasoning_tokens: 0 },
    });
  });

  it('encodes state for an Anthropic client that survives its own decoder', () => {
    const encoder = createAnthropicStreamEncoder(client(), context);
    const encoded = decode(chunks('stream-redacted-thinking.chunks.txt')).flatMap((event) => encoder.encode(event));
    const blocks = frames(encoded).filter((frame) => frame.event === 'content_block_start').map((frame) => frame.data.content_block);
    expect(blocks).toEqual([{ type: 'redacted_thinking', data: REDACTED.value }, { type: 'thinking', thinking: '', signature: '' }, { type: 'text', text: '' }]);
    const again = decode(toEvents(encoded));
    expect(again.filter((event) => event.type === 'reasoning-state')).toEqual(decode(chunks('stream-redacted-thinking.chunks.txt')).filter((event) => event.type === 'reasoning-state'));
    const last = frames(encoded).at(-2);
    expect(last?.data.usage).toEqual({ input_tokens: 21, output_tokens: 120, cache_read_input_tokens: 3000, cache_creation_input_tokens: 1500, cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1000 } });
  });

  it("opens a thinking block for another dialect's state and signs it with the envelope", () => {
    const encoder = createAnthropicStreamEncoder(client(), context);
    const encoded = [
      ...encoder.encode({ type: 'text-delta', text: 'a' }),
      ...encoder.encode({ type: 'reasoning-state', state: { dialect: 'gemini', value: 'c2ln', kind: 'thought_signature' } }),
    ];
    const parsed = frames(encoded);
    expect(parsed.map((frame) => frame.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'content_block_start', 'content_block_delta']);
    expect(parsed.at(-1)?.data.delta).toEqual({ type: 'signature_delta', signature: expect.stringMatching(/^sb1\./) });
  });

  it('ends with an error, never message_stop, when translated tool arguments are not JSON', () => {
    const encoder = createAnthropicStreamEncoder(client(), context);
    const encoded = (
      [
        { type: 'tool-call-start', index: 0, id: 'call_1', name: 'f' },
        { type: 'tool-call-delta', index: 0, arguments: '{"a": ' },
        { type: 'tool-call-end', index: 0 },
        { type: 'finish', finish_reason: 'tool_calls' },
      ] as CanonicalStreamEvent[]
    ).flatMap((event) => encoder.encode(event));
    const names = frames(encoded).map((frame) => frame.event);
    expect(names.at(-1)).toBe('error');
    expect(names).not.toContain('message_stop');
  });

  it('an Anthropic upstream whose tool arguments never close is an error, translated or passed through', () => {
    const events = chunks('stream-tool-bad-arguments.chunks.txt');
    const translated = createTranslatingStream(createAnthropicStreamDecoder(), createAnthropicStreamEncoder(client(), context));
    const out = frames(events.flatMap((event) => translated.push(event)));
    expect(out.at(-1)?.event).toBe('error');
    expect(translated.observation.upstream_error).toMatchObject({ kind: 'upstream', status: 502 });

    const passthrough = createAnthropicPassthroughStream();
    const passed = frames([...events.flatMap((event) => passthrough.push(event)), ...passthrough.end()]);
    expect(passed.map((frame) => frame.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'error']);
    expect(passthrough.observation.completed).toBe(false);
  });
});
