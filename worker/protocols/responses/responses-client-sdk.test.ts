// The real proof: what Switchboard renders for a Responses client, read by the official
// `openai` v7 SDK (non-streaming `output_text`, the ResponseStream accumulator, which checks
// event order and rebuilds the response) and by the AI SDK's OpenAI Responses provider (which
// validates every event with its zod schemas).
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { usageOf } from '../../core/metering';
import type { CanonicalResponse, CanonicalStreamEvent } from '../canonical';
import type { ResponsesInbound } from '../inbound';
import type { ResponseContext } from '../types';
import { parseResponsesInbound } from './request';
import { renderResponsesResponse } from './response-render';
import { createResponsesStreamEncoder } from './stream-encoder';

const context: ResponseContext = {
  request_id: 'req_sdk_1',
  model: 'gpt-test',
  created_ms: 1_700_000_000_000,
  channel_id: 'acme-east',
  price: { input_per_mtok: 1, output_per_mtok: 2 },
};
const usage = usageOf({ input_tokens: 12, output_tokens: 30, cached_input_tokens: 2, reasoning_tokens: 4 });

function inboundFor(body: Record<string, unknown>): ResponsesInbound {
  const raw = JSON.stringify(body);
  const parsed = parseResponsesInbound(JSON.parse(raw), raw, { operation: 'generate' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

/** A fetch that answers like Switchboard would: the client's own body goes through our parser. */
function gatewayFetch(answer: (inbound: ResponsesInbound) => { body: string; stream: boolean }): typeof fetch {
  return async (_url: RequestInfo | URL, init?: RequestInit) => {
    const inbound = inboundFor(JSON.parse(String(init?.body)) as Record<string, unknown>);
    const { body, stream } = answer(inbound);
    const contentType = stream ? 'text/event-stream; charset=utf-8' : 'application/json';
    return new Response(body, { status: 200, headers: { 'content-type': contentType } });
  };
}

function streamBody(events: CanonicalStreamEvent[]) {
  return (inbound: ResponsesInbound) => {
    const encoder = createResponsesStreamEncoder(inbound, context);
    return { body: events.flatMap((event) => encoder.encode(event)).join(''), stream: true };
  };
}

const toolEvents: CanonicalStreamEvent[] = [
  { type: 'message-start' },
  { type: 'reasoning-delta', text: 'Need the weather.' },
  { type: 'reasoning-state', state: { dialect: 'anthropic', value: 'sig', kind: 'signature' } },
  { type: 'text-delta', text: 'Let me ' },
  { type: 'text-delta', text: 'check.' },
  { type: 'tool-call-start', index: 0, id: 'up_1', name: 'get_weather' },
  { type: 'tool-call-delta', index: 0, arguments: '{"city":' },
  { type: 'tool-call-delta', index: 0, arguments: '"Paris"}' },
  { type: 'tool-call-end', index: 0 },
  { type: 'usage', usage },
  { type: 'finish', finish_reason: 'tool_calls' },
];

/** Compiles only if every event the SDK yields is handled as its typed union says. */
function describeEvent(event: ResponseStreamEvent): string {
  switch (event.type) {
    case 'response.output_text.delta':
      return `text:${event.delta}`;
    case 'response.function_call_arguments.done':
      return `args:${event.arguments}`;
    case 'response.reasoning_summary_text.done':
      return `summary:${event.text}`;
    case 'response.output_item.done':
      return `item:${event.item.type}`;
    case 'response.completed':
      return `completed:${event.response.status ?? ''}`;
    default:
      return event.type;
  }
}

describe('openai v7 SDK', () => {
  const client = (answer: Parameters<typeof gatewayFetch>[0]) =>
    new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', fetch: gatewayFetch(answer), maxRetries: 0 });

  it('reads a rendered response and computes output_text', async () => {
    const canonical: CanonicalResponse = {
      parts: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'world' }, { type: 'tool-call', id: 'u', name: 'f', arguments: '{}' }],
      finish_reason: 'tool_calls',
      usage,
    };
    const openai = client((inbound) => ({ body: renderResponsesResponse(canonical, inbound, context), stream: false }));
    const response = await openai.responses.create({ model: 'gpt-test', input: 'hi', tools: [{ type: 'function', name: 'f', parameters: {}, strict: false }] });
    expect(response.output_text).toBe('Hello world');
    expect(response.status).toBe('completed');
    expect(response.usage?.total_tokens).toBe(42);
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call']);
  });

  it('accumulates the event stream into the same final response', async () => {
    const openai = client(streamBody(toolEvents));
    const stream = openai.responses.stream({ model: 'gpt-test', input: 'weather?', reasoning: { effort: 'low', summary: 'auto' }, tools: [{ type: 'function', name: 'get_weather', parameters: {}, strict: false }] });
    const seen: string[] = [];
    for await (const event of stream) seen.push(describeEvent(event));
    const final = await stream.finalResponse();
    expect(seen).toContain('text:Let me ');
    expect(seen).toContain('args:{"city":"Paris"}');
    expect(seen).toContain('summary:Need the weather.');
    expect(seen.at(-1)).toBe('completed:completed');
    expect(final.output_text).toBe('Let me check.');
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
  });

  it('iterates a raw create({stream:true}) stream with sequence numbers in order', async () => {
    const openai = client(streamBody(toolEvents));
    const stream = await openai.responses.create({ model: 'gpt-test', input: 'weather?', stream: true });
    const sequence: number[] = [];
    for await (const event of stream) sequence.push(event.sequence_number);
    expect(sequence).toEqual(sequence.map((_value, index) => index));
  });
});

describe('AI SDK OpenAI Responses provider', () => {
  const provider = (answer: Parameters<typeof gatewayFetch>[0]) =>
    createOpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', fetch: gatewayFetch(answer) });

  it('streams text, reasoning, a tool call and usage', async () => {
    const openai = provider(streamBody(toolEvents));
    const result = streamText({
      model: openai.responses('gpt-test'),
      prompt: 'weather?',
      providerOptions: { openai: { reasoningSummary: 'auto', store: false } },
      tools: { get_weather: tool({ description: 'weather', inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } } }) }) },
    });
    const parts: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'error') throw new Error(`AI SDK stream error: ${String(part.error)}`);
      parts.push(part.type);
    }
    expect(await result.text).toBe('Let me check.');
    expect(await result.reasoningText).toBe('Need the weather.');
    const calls = await result.toolCalls;
    expect(calls.map((call) => [call.toolName, call.input])).toEqual([['get_weather', { city: 'Paris' }]]);
    expect((await result.usage).inputTokens).toBe(12);
    expect(await result.finishReason).toBe('tool-calls');
  });

  it('reads a rendered non-streaming response', async () => {
    const openai = provider((inbound) => ({
      body: renderResponsesResponse({ parts: [{ type: 'text', text: 'Plain answer' }], finish_reason: 'stop', usage }, inbound, context),
      stream: false,
    }));
    const result = await generateText({ model: openai.responses('gpt-test'), prompt: 'hi' });
    expect(result.text).toBe('Plain answer');
    expect(result.usage.outputTokens).toBe(30);
  });

  it('reports a failed stream as an error', async () => {
    const openai = provider((inbound) => {
      const encoder = createResponsesStreamEncoder(inbound, context);
      const frames = [...encoder.encode({ type: 'text-delta', text: 'par' }), ...encoder.fail({ kind: 'upstream', status: 502, error_class: 'mid_stream', message: 'broke' })];
      return { body: frames.join(''), stream: true };
    });
    const result = streamText({ model: openai.responses('gpt-test'), prompt: 'hi' });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(types).toContain('error');
  });
});
