import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../canonical';
import type { UpstreamTarget } from '../types';
import { stateForClient, stateFromClient } from '../shared/reasoning-state';
import { buildResponsesRequest } from './request-build';

const target: UpstreamTarget = { dialect: 'openai-responses', base_url: 'https://upstream.test/', upstream_model: 'gpt-5-2025-08-07', api_key: 'sk-secret-key-123' };

function request(overrides: Partial<CanonicalRequest>): CanonicalRequest {
  return {
    system: null,
    messages: [{ role: 'user', parts: [{ type: 'text', text: 'Hello' }] }],
    tools: [],
    tool_choice: null,
    parallel_tool_calls: null,
    max_output_tokens: null,
    temperature: null,
    top_p: null,
    top_k: null,
    stop: [],
    seed: null,
    presence_penalty: null,
    frequency_penalty: null,
    response_format: null,
    reasoning: null,
    stream: false,
    user: null,
    ...overrides,
  };
}

const encrypted = { dialect: 'openai-responses' as const, value: 'gAAAAABpZPfn==', kind: 'encrypted' as const, id: 'rs_1' };

/** A request using every feature the Responses dialect can carry, plus some it cannot. */
const everything = request({
  system: 'You are terse.',
  messages: [
    {
      role: 'user',
      parts: [
        { type: 'text', text: 'What is in this image, and what is the weather in Paris?' },
        { type: 'image', source: { kind: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' } },
      ],
    },
    {
      role: 'assistant',
      parts: [
        { type: 'reasoning', text: 'Need the weather tool.', state: encrypted },
        { type: 'reasoning', text: 'Anthropic thinking', state: { dialect: 'anthropic', value: 'sig', kind: 'signature' } },
        { type: 'reasoning', text: 'no state at all' },
        { type: 'text', text: 'A cat. ' },
        { type: 'text', text: 'Checking the weather.' },
        { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
        { type: 'tool-call', id: 'call_2', name: 'get_weather', arguments: '{"location":"Nice"}' },
      ],
    },
    {
      role: 'user',
      parts: [
        { type: 'tool-result', tool_call_id: 'call_1', content: [{ type: 'text', text: '18°C' }], is_error: false },
        { type: 'tool-result', tool_call_id: 'call_2', content: [{ type: 'text', text: 'timeout' }], is_error: true },
        { type: 'text', text: 'Thanks' },
      ],
    },
  ],
  tools: [{ name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { location: { type: 'string' } } } }],
  tool_choice: { type: 'tool', name: 'get_weather' },
  parallel_tool_calls: false,
  max_output_tokens: 1000,
  temperature: 0.5,
  top_p: 0.9,
  top_k: 40,
  stop: ['END'],
  seed: 7,
  presence_penalty: 0.1,
  frequency_penalty: 0.2,
  response_format: { type: 'json-schema', name: 'answer', schema: { type: 'object' }, strict: true },
  reasoning: { effort: 'high' },
  stream: true,
  user: 'user-42',
});

describe('buildResponsesRequest', () => {
  it('builds the exact body for a request with every feature', () => {
    const built = buildResponsesRequest(everything, target);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.url).toBe('https://upstream.test/v1/responses');
    expect(built.value.headers).toEqual({ authorization: 'Bearer sk-secret-key-123', 'content-type': 'application/json' });
    expect(JSON.parse(built.value.body)).toEqual({
      model: 'gpt-5-2025-08-07',
      instructions: 'You are terse.',
      input: [
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in this image, and what is the weather in Paris?' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' },
            { type: 'input_image', image_url: 'https://example.com/cat.jpg', detail: 'auto' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Need the weather tool.' }], encrypted_content: 'gAAAAABpZPfn==' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'A cat. ' }, { type: 'output_text', text: 'Checking the weather.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
        { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"location":"Nice"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '18°C' },
        { type: 'function_call_output', call_id: 'call_2', output: 'Error: timeout' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks' }] },
      ],
      tools: [
        { type: 'function', name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { location: { type: 'string' } } }, strict: false },
      ],
      parallel_tool_calls: false,
      tool_choice: { type: 'function', name: 'get_weather' },
      max_output_tokens: 1000,
      temperature: 0.5,
      top_p: 0.9,
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'high', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
      user: 'user-42',
      stream: true,
    });
  });

  it('is deterministic: the same request gives the same bytes', () => {
    const first = buildResponsesRequest(everything, target);
    const second = buildResponsesRequest(structuredClone(everything), target);
    expect(first.ok && second.ok).toBe(true);
    if (first.ok && second.ok) expect(second.value.body).toBe(first.value.body);
  });

  it('keeps a minimal request minimal: no reasoning, storage or stream switches', () => {
    const built = buildResponsesRequest(request({}), target);
    expect(built.ok && built.value.body).toBe(
      '{"model":"gpt-5-2025-08-07","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"Hello"}]}]}',
    );
  });

  it('unwraps an envelope made by a Responses channel and strips state made elsewhere', () => {
    const wrapped = stateForClient('anthropic', encrypted);
    const fromClient = stateFromClient('anthropic', wrapped);
    const built = buildResponsesRequest(
      request({
        messages: [
          { role: 'user', parts: [{ type: 'text', text: 'Hi' }] },
          { role: 'assistant', parts: [{ type: 'reasoning', text: '', state: fromClient }, { type: 'text', text: 'Hello!' }] },
          { role: 'user', parts: [{ type: 'text', text: 'Again' }] },
        ],
      }),
      target,
    );
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    const body = JSON.parse(built.value.body) as Record<string, unknown>;
    expect((body.input as unknown[])[1]).toEqual({ type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAAABpZPfn==' });
    // History carrying state needs the stateless switches even when this turn asks no effort.
    expect(body.store).toBe(false);
    expect(body.include).toEqual(['reasoning.encrypted_content']);
    expect(body.reasoning).toBeUndefined();
  });

  it('sends images inside tool results as function_call_output parts', () => {
    const built = buildResponsesRequest(
      request({
        messages: [
          {
            role: 'user',
            parts: [
              {
                type: 'tool-result',
                tool_call_id: 'call_9',
                content: [{ type: 'text', text: 'screenshot:' }, { type: 'image', source: { kind: 'url', url: 'https://example.com/s.png' } }],
                is_error: false,
              },
            ],
          },
        ],
      }),
      target,
    );
    expect(built.ok && JSON.parse(built.value.body).input).toEqual([
      {
        type: 'function_call_output',
        call_id: 'call_9',
        output: [
          { type: 'input_text', text: 'screenshot:' },
          { type: 'input_image', image_url: 'https://example.com/s.png', detail: 'auto' },
        ],
      },
    ]);
  });

  it.each([
    [{ type: 'auto' } as const, 'auto'],
    [{ type: 'none' } as const, 'none'],
    [{ type: 'required' } as const, 'required'],
  ])('maps tool_choice %j', (choice, expected) => {
    const built = buildResponsesRequest(request({ tool_choice: choice }), target);
    expect(built.ok && JSON.parse(built.value.body).tool_choice).toBe(expected);
  });

  it('maps json mode, a thinking budget, and raises a cap below the API minimum', () => {
    const built = buildResponsesRequest(
      request({ response_format: { type: 'json' }, reasoning: { budget_tokens: 2000 }, max_output_tokens: 1 }),
      target,
    );
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    const body = JSON.parse(built.value.body) as Record<string, unknown>;
    expect(body.text).toEqual({ format: { type: 'json_object' } });
    expect(body.reasoning).toEqual({ effort: 'low', summary: 'auto' });
    expect(body.max_output_tokens).toBe(16);
  });
});
