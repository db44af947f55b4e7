// Gemini thoughtSignature: on exactly the part that carried it, byte-exact between Gemini
// client and channel, wrapped for other clients and unwrapped onto the same part on the way back.
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../canonical';
import { buildUpstreamRequest, createStreamTranslator, translateResponse } from '../index';
import { adapters } from '../registry';
import { stateForClient } from '../shared/reasoning-state';
import { chunks, context, fixture, inbound, inboundRaw, run, target } from '../../../test/support/protocol-helpers';

const SIGNATURE_THOUGHT = 'CiwBjz1rX3thoughtSigA0e2Kb8nQ+Lk1';
const SIGNATURE_CALL = 'CiQBjz1rX1callSigB9rPq2vUz/Yw4';
const gemini = (state: string) => ({ dialect: 'gemini', value: state, kind: 'thought_signature' });

describe('reading Gemini', () => {
  it('puts each signature on the canonical part that carried it', () => {
    const read = adapters.gemini.readResponse(fixture('gemini', 'generate-content-signatures.json'));
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    expect(read.value.parts).toEqual([
      { type: 'reasoning', text: '**Planning the lookups**\nI will check both flights.', state: gemini(SIGNATURE_THOUGHT) },
      { type: 'text', text: 'Let me check both flights.' },
      { type: 'tool-call', id: '', name: 'check_flight', arguments: '{"flight":"AA100"}', state: gemini(SIGNATURE_CALL) },
      { type: 'tool-call', id: '', name: 'check_flight', arguments: '{"flight":"UA200"}' },
    ]);
    expect(read.value.usage).toMatchObject({ input_tokens: 120, cached_input_tokens: 64, reasoning_tokens: 48, output_tokens: 78 });
  });

  it('streams reasoning-state right after the events of the part it belongs to', () => {
    const decoder = adapters.gemini.createStreamDecoder();
    const events = chunks('gemini', 'stream-signatures.chunks.txt').flatMap((event) => decoder.push(event));
    expect(events.map((event) => (event.type === 'reasoning-state' ? `state:${event.state.value}` : event.type))).toEqual([
      'message-start',
      'text-delta',
      'usage',
      'tool-call-start',
      'tool-call-delta',
      'tool-call-end',
      'state:CiQBjz1rX1callSigC7tLm0aB',
      'usage',
      // A signature-only part stands alone.
      'state:CiQBjz1rX1textSigD2kWq8nR',
      'usage',
    ]);
  });
});

describe('Gemini client ↔ Gemini channel', () => {
  const raw =
    '{"contents":[{"role":"user","parts":[{"text":"Flights?"}]},{"role":"model","parts":[{"functionCall":{"name":"check_flight","args":{"flight":"AA100"}},"thoughtSignature":"CiQBjz1rX1callSigB9rPq2vUz/Yw4"}]},{"role":"user","parts":[{"functionResponse":{"name":"check_flight","response":{"status":"on time"}}}]}]}';

  it('binds the request to Gemini and passes the signatures through byte for byte', () => {
    const request = inboundRaw('gemini', raw, { path_model: 'g' });
    expect(request.bound_dialect).toBe('gemini');
    const built = buildUpstreamRequest(request, target('gemini'));
    expect(built.ok && built.value.body).toBe(raw);
  });

  it('responses and streams keep every signature where it was', () => {
    const request = inbound('gemini', { contents: [{ parts: [{ text: 'x' }] }] }, { path_model: 'g' });
    const text = fixture('gemini', 'generate-content-signatures.json');
    const translated = translateResponse(request, 'gemini', text, context);
    expect(translated.ok && JSON.parse(translated.value.body).candidates).toEqual(JSON.parse(text).candidates);
    const events = chunks('gemini', 'stream-signatures.chunks.txt');
    const frames = run(createStreamTranslator({ ...request, stream: true }, 'gemini', context), events);
    expect(frames).toEqual(events.map((event) => `data: ${event.data}\n\n`));
  });

  it('a history without signatures is not bound', () => {
    expect(inbound('gemini', { contents: [{ parts: [{ text: 'x' }] }] }, { path_model: 'g' }).bound_dialect).toBeNull();
  });
});

describe('Gemini channel → Anthropic client → back to a Gemini channel', () => {
  const turn = (content: unknown[]) =>
    inbound('anthropic', {
      model: 'm',
      max_tokens: 100,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: 'Flights?' },
        { role: 'assistant', content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'on time' }] },
      ],
    });
  const modelTurn = (request: ReturnType<typeof turn>) => {
    const built = buildUpstreamRequest(request, target('gemini'));
    if (!built.ok) throw new Error(JSON.stringify(built.error));
    return JSON.parse(built.value.body).contents[1].parts;
  };

  it('unwraps the envelope onto the same function call part (non-streamed answer)', () => {
    const asked = turn([{ type: 'text', text: 'hi' }]);
    const translated = translateResponse(asked, 'gemini', fixture('gemini', 'generate-content-signatures.json'), context);
    if (!translated.ok) throw new Error(JSON.stringify(translated.error));
    const content = JSON.parse(translated.value.body).content as Record<string, unknown>[];
    // The client sees envelopes, never Gemini's raw value.
    expect(translated.value.body).not.toContain(SIGNATURE_CALL);
    let calls = 0;
    const history = content.map((block) => (block.type === 'tool_use' ? { ...block, id: `toolu_${(calls += 1)}` } : block));
    const request = turn(history);
    expect(request.bound_dialect).toBe('gemini');
    expect(modelTurn(request)).toEqual([
      { text: '**Planning the lookups**\nI will check both flights.', thought: true, thoughtSignature: SIGNATURE_THOUGHT },
      { text: 'Let me check both flights.' },
      { functionCall: { name: 'check_flight', args: { flight: 'AA100' } }, thoughtSignature: SIGNATURE_CALL },
      { functionCall: { name: 'check_flight', args: { flight: 'UA200' } } },
    ]);
  });

  it('a bare signature block after a call (streamed order) goes back onto that call', () => {
    const envelope = stateForClient('anthropic', gemini('CiQBjz1rX1callSigC7tLm0aB') as never);
    const parts = modelTurn(
      turn([
        { type: 'text', text: 'The flight AA100 is on time.' },
        { type: 'tool_use', id: 'toolu_1', name: 'check_flight', input: { flight: 'UA200' } },
        { type: 'thinking', thinking: '', signature: envelope },
      ]),
    );
    expect(parts).toEqual([
      { text: 'The flight AA100 is on time.' },
      { functionCall: { name: 'check_flight', args: { flight: 'UA200' } }, thoughtSignature: 'CiQBjz1rX1callSigC7tLm0aB' },
    ]);
  });
});

describe('another dialect’s state for a Gemini client', () => {
  const anthropicState = { dialect: 'anthropic' as const, value: 'EqQBCkYIARgCKkA', kind: 'signature' as const };

  it('renders it wrapped on the part it belongs to, and parses it back as that dialect’s reasoning', () => {
    const asked = inbound('gemini', { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { thinkingConfig: { includeThoughts: true } } }, { path_model: 'g' });
    const body = JSON.parse(
      adapters.gemini.renderResponse({ parts: [{ type: 'reasoning', text: 'Hmm.', state: anthropicState }, { type: 'text', text: 'Hi' }], finish_reason: 'stop', usage: null }, asked, context),
    );
    const parts = body.candidates[0].content.parts;
    expect(parts).toEqual([{ text: 'Hmm.', thought: true, thoughtSignature: stateForClient('gemini', anthropicState) }, { text: 'Hi' }]);
    const next = inbound('gemini', { contents: [{ role: 'user', parts: [{ text: 'x' }] }, { role: 'model', parts }, { role: 'user', parts: [{ text: 'y' }] }] }, { path_model: 'g' });
    expect(next.bound_dialect).toBe('anthropic');
    const canonical = adapters.gemini.toCanonical(next);
    expect(canonical.ok && (canonical.value as CanonicalRequest).messages[1]).toEqual({
      role: 'assistant',
      parts: [{ type: 'reasoning', text: 'Hmm.', state: anthropicState }, { type: 'text', text: 'Hi' }],
    });
    // A Gemini channel never sees it: foreign state sends the request down the canonical path,
    // which strips the state (and, as for any history sent to Gemini, earlier thoughts).
    const built = buildUpstreamRequest(next, target('gemini'));
    expect(built.ok && built.value.body).not.toContain('thoughtSignature');
    expect(built.ok && JSON.parse(built.value.body).contents[1].parts).toEqual([{ text: 'Hi' }]);
  });

  it('streams hidden reasoning state on an empty part of its own; the OpenAI encoder ignores it', () => {
    const events = chunks('anthropic', 'stream-thinking.chunks.txt');
    const geminiFrames = run(createStreamTranslator(inbound('gemini', { contents: [{ parts: [{ text: 'x' }] }] }, { path_model: 'g', path_stream: true }), 'anthropic', context), events);
    const signed = geminiFrames.filter((frame) => frame.includes('thoughtSignature'));
    expect(signed).toHaveLength(1);
    expect(JSON.parse(signed[0]!.slice(6)).candidates[0].content.parts).toEqual([{ text: '', thoughtSignature: expect.stringMatching(/^sb1\./) }]);
    const openaiFrames = run(createStreamTranslator(inbound('openai', { model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }), 'anthropic', context), events);
    expect(openaiFrames.join('')).not.toMatch(/sb1\.|signature/);
  });
});
