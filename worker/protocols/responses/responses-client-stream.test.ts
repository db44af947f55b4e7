// The Responses API as a client format: the rendered response object and the typed event stream.
import { context } from '../../../test/support/protocol-helpers';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../core/metering';
import type { CanonicalStreamEvent } from '../canonical';
import type { ResponsesInbound } from '../inbound';
import { stateFromClient } from '../shared/reasoning-state';
import { parseResponsesInbound } from './request';
import { renderResponsesResponse } from './response-render';
import { createResponsesStreamEncoder } from './stream-encoder';
import { classifyOpenaiError, renderOpenaiError } from '../shared/openai-errors';
import { responsesErrorFromObject } from './errors';


function responsesInbound(body: Record<string, unknown>): ResponsesInbound {
  const raw = JSON.stringify({ model: 'm', input: 'hi', ...body });
  const parsed = parseResponsesInbound(JSON.parse(raw), raw, { operation: 'generate' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

type Event = Record<string, unknown> & { type: string; sequence_number: number };

/** Frames → events, checking the SSE framing: `event:` names the JSON's own type. */
function parseFrames(frames: string[]): Event[] {
  return frames.map((frame) => {
    const match = /^event: ([^\n]+)\ndata: ([^\n]+)\n\n$/.exec(frame);
    if (!match) throw new Error(`bad frame: ${frame}`);
    const event = JSON.parse(match[2] as string) as Event;
    expect(event.type).toBe(match[1]);
    return event;
  });
}

function encode(body: Record<string, unknown>, events: CanonicalStreamEvent[], failure?: Parameters<ReturnType<typeof createResponsesStreamEncoder>['fail']>[0]): Event[] {
  const encoder = createResponsesStreamEncoder(responsesInbound(body), context);
  const frames = events.flatMap((event) => encoder.encode(event));
  if (failure) frames.push(...encoder.fail(failure));
  return parseFrames(frames);
}

const usage = usageOf({ input_tokens: 1000, output_tokens: 500, cached_input_tokens: 200, reasoning_tokens: 100 });

function checkInvariants(events: Event[]): void {
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
  expect(events.slice(0, 2).map((event) => event.type)).toEqual(['response.created', 'response.in_progress']);
  const last = events.at(-1) as Event;
  expect(['response.completed', 'response.incomplete', 'response.failed']).toContain(last.type);
  expect(events.filter((event) => /^response\.(completed|incomplete|failed)$/.test(event.type))).toHaveLength(1);
  const done = events.filter((event) => event.type === 'response.output_item.done').sort((a, b) => (a.output_index as number) - (b.output_index as number));
  expect((last.response as { output: unknown[] }).output).toEqual(done.map((event) => event.item));
}

describe('createResponsesStreamEncoder', () => {
  it('streams text as message item events and completes with usage and cost', () => {
    const events = encode({}, [
      { type: 'message-start' },
      { type: 'text-delta', text: 'Hel' },
      { type: 'text-delta', text: 'lo' },
      { type: 'usage', usage },
      { type: 'finish', finish_reason: 'stop' },
    ]);
    checkInvariants(events);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[0]?.response).toMatchObject({ object: 'response', status: 'in_progress', output: [], model: 'catalog-model', created_at: 1_700_000_000, usage: null });
    expect(events[6]).toMatchObject({ text: 'Hello', content_index: 0, output_index: 0 });
    expect(events[8]?.item).toMatchObject({ type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] });
    const response = events[9]?.response as Record<string, unknown>;
    expect(response).toMatchObject({ status: 'completed', provider: 'acme-east', store: false, incomplete_details: null, error: null });
    expect(response.usage).toEqual({
      input_tokens: 1000,
      input_tokens_details: { cached_tokens: 200 },
      output_tokens: 500,
      output_tokens_details: { reasoning_tokens: 100 },
      total_tokens: 1500,
      cost: (1000 * 1 + 500 * 2) / 1_000_000,
    });
    expect(response.id).toMatch(/^resp_/);
  });

  it('streams tool calls with call ids, keeps arguments verbatim', () => {
    const events = encode({ tools: [{ type: 'function', name: 'f', parameters: {} }] }, [
      { type: 'message-start' },
      { type: 'text-delta', text: 'Calling.' },
      { type: 'tool-call-start', index: 0, id: 'upstream_1', name: 'f' },
      { type: 'tool-call-delta', index: 0, arguments: '{"a":' },
      { type: 'tool-call-start', index: 1, id: 'upstream_2', name: 'g' },
      { type: 'tool-call-delta', index: 1, arguments: 'not json' },
      { type: 'tool-call-delta', index: 0, arguments: '1}' },
      { type: 'tool-call-end', index: 0 },
      { type: 'tool-call-end', index: 1 },
      { type: 'finish', finish_reason: 'tool_calls' },
    ]);
    checkInvariants(events);
    const argumentsDone = events.filter((event) => event.type === 'response.function_call_arguments.done');
    expect(argumentsDone.map((event) => [event.arguments, event.name])).toEqual([['{"a":1}', 'f'], ['not json', 'g']]);
    const output = (events.at(-1)?.response as { output: Record<string, unknown>[] }).output;
    expect(output.map((item) => item.type)).toEqual(['message', 'function_call', 'function_call']);
    expect(output[1]).toMatchObject({ type: 'function_call', status: 'completed', name: 'f', arguments: '{"a":1}' });
    expect(output[1]?.call_id).toMatch(/^call_/);
    expect(output[1]?.id).toMatch(/^fc_/);
    expect(output[1]?.call_id).not.toBe(output[2]?.call_id);
    expect(events.at(-1)?.type).toBe('response.completed');
  });

  it('streams reasoning summaries when asked, with the state as encrypted_content', () => {
    const state = { dialect: 'anthropic' as const, value: 'sig-abc', kind: 'signature' as const };
    const events = encode({ reasoning: { effort: 'high', summary: 'auto' } }, [
      { type: 'message-start' },
      { type: 'reasoning-delta', text: 'Think' },
      { type: 'reasoning-delta', text: 'ing.' },
      { type: 'reasoning-state', state },
      { type: 'text-delta', text: 'Answer' },
      { type: 'finish', finish_reason: 'stop' },
    ]);
    checkInvariants(events);
    expect(events.slice(2, 10).map((event) => event.type)).toEqual([
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
    ]);
    expect(events[6]).toMatchObject({ text: 'Thinking.', summary_index: 0 });
    const item = events[8]?.item as Record<string, unknown>;
    expect(item).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking.' }] });
    expect(item.id).toMatch(/^rs_/);
    // The envelope comes back as the Anthropic state it was.
    expect(stateFromClient('openai-responses', item.encrypted_content as string)).toEqual(state);
  });

  it('holds back unrequested reasoning: dropped without state, emitted whole with it', () => {
    const plain = encode({}, [{ type: 'reasoning-delta', text: 'hidden' }, { type: 'text-delta', text: 'x' }, { type: 'finish', finish_reason: 'stop' }]);
    checkInvariants(plain);
    expect(plain.some((event) => JSON.stringify(event).includes('hidden'))).toBe(false);
    const state = { dialect: 'gemini' as const, value: 'sig', kind: 'thought_signature' as const };
    const signed = encode({}, [{ type: 'reasoning-delta', text: 'kept' }, { type: 'reasoning-state', state }, { type: 'text-delta', text: 'x' }, { type: 'finish', finish_reason: 'stop' }]);
    checkInvariants(signed);
    const output = (signed.at(-1)?.response as { output: Record<string, unknown>[] }).output;
    expect(output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(output[0]?.summary).toEqual([{ type: 'summary_text', text: 'kept' }]);
  });

  it('ends a length-limited answer with response.incomplete', () => {
    const events = encode({ max_output_tokens: 5 }, [{ type: 'text-delta', text: 'cut' }, { type: 'usage', usage }, { type: 'finish', finish_reason: 'length' }]);
    checkInvariants(events);
    const last = events.at(-1) as Event;
    expect(last.type).toBe('response.incomplete');
    expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, max_output_tokens: 5 });
    expect((last.response as { output: { status: string }[] }).output[0]?.status).toBe('incomplete');
  });

  it('fails with response.failed and never completes afterwards', () => {
    const encoder = createResponsesStreamEncoder(responsesInbound({}), context);
    const frames = [
      ...encoder.encode({ type: 'text-delta', text: 'partial' }),
      ...encoder.fail({ kind: 'upstream', status: 502, error_class: 'mid_stream', message: 'Upstream stream broke.' }),
      ...encoder.encode({ type: 'finish', finish_reason: 'stop' }),
    ];
    const events = parseFrames(frames);
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'Upstream stream broke.' } } });
    expect(events.some((event) => event.type === 'response.completed')).toBe(false);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
  });

  it('turns a canonical error event into response.failed', () => {
    const events = encode({}, [
      { type: 'text-delta', text: 'a' },
      { type: 'error', error: { kind: 'upstream', status: 429, error_class: 'rate_limit', message: 'Slow down.' } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { error: { code: 'rate_limit_exceeded' } } });
  });
});

describe('renderResponsesResponse', () => {
  it('renders text, reasoning and tool calls as output items', () => {
    const body = JSON.parse(
      renderResponsesResponse(
        {
          parts: [
            { type: 'reasoning', text: 'why', state: stateFromClient('openai-responses', 'native-blob', { kind: 'encrypted', id: 'rs_up' }) },
            { type: 'text', text: 'Hi ' },
            { type: 'text', text: 'there' },
            { type: 'tool-call', id: 'upstream', name: 'f', arguments: '{"x":1' },
          ],
          finish_reason: 'tool_calls',
          usage,
        },
        responsesInbound({ instructions: 'Be brief.', metadata: { k: 'v' }, temperature: 0.2 }),
        context,
      ),
    ) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'response',
      status: 'completed',
      instructions: 'Be brief.',
      metadata: { k: 'v' },
      temperature: 0.2,
      top_p: 1,
      model: 'catalog-model',
      provider: 'acme-east',
      previous_response_id: null,
      truncation: 'disabled',
      tools: [],
      tool_choice: 'auto',
      text: { format: { type: 'text' } },
    });
    expect(body).not.toHaveProperty('output_text');
    const output = body.output as Record<string, unknown>[];
    expect(output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'why' }], encrypted_content: 'native-blob' });
    expect(output[1]).toMatchObject({ status: 'completed', content: [{ type: 'output_text', text: 'Hi there', annotations: [], logprobs: [] }] });
    expect(output[2]).toMatchObject({ name: 'f', arguments: '{"x":1', status: 'completed' });
    expect((body.usage as { cost: number }).cost).toBeCloseTo(0.002);
  });

  it('drops reasoning nobody asked for, and marks a cut answer incomplete', () => {
    const body = JSON.parse(
      renderResponsesResponse({ parts: [{ type: 'reasoning', text: 'why' }, { type: 'text', text: 'Hi' }], finish_reason: 'length', usage: null }, responsesInbound({}), context),
    ) as Record<string, unknown>;
    expect((body.output as { type: string }[]).map((item) => item.type)).toEqual(['message']);
    expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(body).not.toHaveProperty('usage');
  });
});

describe('errors', () => {
  it('renders Chat-shaped errors', () => {
    const rendered = renderOpenaiError({ kind: 'unsupported', message: 'No.', param: 'tools[0]' });
    expect(rendered.status).toBe(400);
    expect(JSON.parse(rendered.body)).toEqual({ error: { message: 'No.', type: 'invalid_request_error', param: 'tools[0]', code: 'unsupported_parameter' } });
  });

  it('classifies upstream error bodies through the shared rule', () => {
    const body = JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
    expect(classifyOpenaiError(429, body, new Headers({ 'retry-after': '3' }))).toMatchObject({ status: 429, error_class: 'rate_limit', retry_after_s: 3 });
    expect(classifyOpenaiError(401, '{"error":{"message":"bad key"}}', new Headers())).toMatchObject({ status: 502, error_class: 'server' });
  });

  it.each([
    [{ code: 'server_error', message: 'boom' }, 500, 'server'],
    [{ code: 'rate_limit_exceeded', message: 'slow' }, 429, 'rate_limit'],
    [{ type: 'error', code: 'invalid_api_key', message: 'bad key', param: null }, 502, 'server'],
    [{ code: 'invalid_prompt', message: 'no' }, 400, 'client'],
    [{ code: 'image_too_large', message: 'big' }, 400, 'client'],
    [{ code: 'mystery', message: '?' }, 502, 'server'],
  ])('maps an in-stream error %j', (object, status, errorClass) => {
    expect(responsesErrorFromObject(object)).toMatchObject({ kind: 'upstream', status, error_class: errorClass });
  });
});
