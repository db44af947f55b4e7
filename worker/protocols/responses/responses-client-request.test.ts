// The Responses API as a client format: request validation and translation to canonical.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResponsesInbound } from '../inbound';
import type { RouteContext } from '../types';
import { stateForClient } from '../shared/reasoning-state';
import { parseResponsesInbound, renderResponsesCountTokens } from './request';
import { responsesToCanonical } from './request-canonical';
import { renderResponsesResponse } from './response-render';
import { createResponsesStreamEncoder } from './stream-encoder';
import { context } from '../../../test/support/protocol-helpers';

const route: RouteContext = { operation: 'generate' };

function parse(body: unknown, context: RouteContext = route) {
  const raw = JSON.stringify(body);
  return parseResponsesInbound(JSON.parse(raw), raw, context);
}

function inbound(body: unknown): ResponsesInbound {
  const parsed = parse(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

function canonical(body: unknown) {
  const converted = responsesToCanonical(inbound(body));
  if (!converted.ok) throw new Error(JSON.stringify(converted.error));
  return converted.value;
}

const history = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'request-history.json'), 'utf8')) as Record<string, unknown>;

describe('parseResponsesInbound', () => {
  it('reads a full Codex-style history', () => {
    const request = inbound(history);
    expect(request).toMatchObject({
      protocol: 'openai-responses',
      operation: 'generate',
      model: 'gpt-5',
      stream: true,
      include_usage: true,
      max_output_tokens: 2048,
      bound_dialect: 'openai-responses',
      headers: {},
      query: '',
    });
    expect(request.capabilities).toEqual(['tools', 'vision']);
    expect(request.input_tokens_estimate).toBeGreaterThan(50);
    expect(request.body).toEqual(history);
  });

  it('accepts a plain string input and keeps route headers and query', () => {
    const raw = JSON.stringify({ model: 'm', input: 'Hello' });
    const parsed = parseResponsesInbound(JSON.parse(raw), raw, { operation: 'count_tokens', headers: { 'x-a': '1' }, query: 'a=b' });
    expect(parsed.ok && parsed.value).toMatchObject({ operation: 'count_tokens', stream: false, include_usage: false, bound_dialect: null, headers: { 'x-a': '1' }, query: 'a=b' });
  });

  it('binds to the dialect of the newest state, unwrapping envelopes', () => {
    const envelope = stateForClient('openai-responses', { dialect: 'anthropic', value: 'sig-1', kind: 'signature' });
    const body = {
      model: 'm',
      input: [
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'native-blob' },
        { role: 'assistant', content: 'ok' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'thought' }], encrypted_content: envelope },
        { role: 'user', content: 'next' },
      ],
    };
    expect(inbound(body).bound_dialect).toBe('anthropic');
  });

  it('marks json_mode for structured output', () => {
    const body = { model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true } } };
    expect(inbound(body).capabilities).toEqual(['json_mode']);
  });

  it.each([
    [{ model: 'm', input: 'x', previous_response_id: 'resp_1' }, 'previous_response_id'],
    [{ model: 'm', input: 'x', conversation: 'conv_1' }, 'conversation'],
    [{ model: 'm', input: 'x', background: true }, 'background'],
    [{ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
  ])('refuses server-side state: %j', (body, param) => {
    const parsed = parse(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ kind: 'invalid_request', param });
    if (param !== 'background') expect(parsed.error.message).toMatch(/stateless/);
  });

  it('accepts store: true and a null previous_response_id', () => {
    expect(parse({ model: 'm', input: 'x', store: true, previous_response_id: null }).ok).toBe(true);
  });

  it.each([
    ['not an object', [1, 2], undefined],
    ['missing model', { input: 'x' }, 'model'],
    ['model of wrong type', { model: 5, input: 'x' }, 'model'],
    ['input of wrong type', { model: 'm', input: 42 }, 'input'],
    ['message without content', { model: 'm', input: [{ role: 'user' }] }, 'input[0].content'],
    ['unknown role', { model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role'],
    ['function_call without call_id', { model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id'],
    ['function_call_output with a number', { model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 3 }] }, 'input[0].output'],
    ['reasoning without summary', { model: 'm', input: [{ type: 'reasoning', id: 'rs' }] }, 'input[0].summary'],
    ['image without a source', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', detail: 'auto' }] }] }, 'input[0].content[0]'],
    ['temperature out of range', { model: 'm', input: 'x', temperature: 3 }, 'temperature'],
    ['max_output_tokens of zero', { model: 'm', input: 'x', max_output_tokens: 0 }, 'max_output_tokens'],
    ['function tool without a name', { model: 'm', input: 'x', tools: [{ type: 'function', parameters: {} }] }, 'tools[0].name'],
    ['bad reasoning effort', { model: 'm', input: 'x', reasoning: { effort: 'max' } }, 'reasoning.effort'],
    ['json_schema without schema', { model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'r' } } }, 'text.format.schema'],
  ])('rejects %s with a 400 naming the field', (_name, body, param) => {
    const parsed = parse(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.kind).toBe('invalid_request');
    expect((parsed.error as { param?: string }).param).toBe(param);
  });

  it('renders an input_tokens count', () => {
    expect(JSON.parse(renderResponsesCountTokens(42))).toEqual({ object: 'response.input_tokens', input_tokens: 42 });
  });
});

describe('responsesToCanonical', () => {
  it('translates every item kind of a history, merging turns', () => {
    const request = canonical(history);
    expect(request.system).toBe('You are a helpful assistant.\n\nAnswer in English.');
    expect(request.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(request.messages[0]?.parts).toEqual([
      { type: 'text', text: "What's the weather in Paris? Here is a photo." },
      { type: 'image', source: { kind: 'url', url: expect.stringContaining('La_Tour_Eiffel') } },
    ]);
    expect(request.messages[1]?.parts).toEqual([
      {
        type: 'reasoning',
        text: '**Looking up the weather**\n\nThe user wants the current weather in Paris.',
        state: { dialect: 'openai-responses', value: 'gAAAAABor0AxYnKZL0YxdQ1KzG6cYz7_Xf3l0vN2pZpO6R1bq9Lk', kind: 'encrypted', id: 'rs_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b' },
      },
      { type: 'tool-call', id: 'call_OtJa6ZH1rVBfDAMkDVm7SQbJ', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
    ]);
    expect(request.messages[2]?.parts).toEqual([
      { type: 'tool-result', tool_call_id: 'call_OtJa6ZH1rVBfDAMkDVm7SQbJ', content: [{ type: 'text', text: '{"temperature_c":18,"conditions":"light rain"}' }], is_error: false },
    ]);
    expect(request.messages[3]?.parts).toEqual([{ type: 'text', text: 'It is 18 °C with light rain in Paris.' }]);
    expect(request.tools).toEqual([
      { name: 'get_weather', description: 'Get current temperature for a given location.', parameters: (history.tools as { parameters: unknown }[])[0]?.parameters },
    ]);
    expect(request).toMatchObject({
      tool_choice: { type: 'auto' },
      parallel_tool_calls: true,
      max_output_tokens: 2048,
      response_format: { type: 'text' },
      reasoning: { effort: 'medium' },
      stream: true,
      user: null,
    });
  });

  it('unwraps an envelope back to the dialect that made it', () => {
    const value = stateForClient('openai-responses', { dialect: 'anthropic', value: 'sig', kind: 'signature' });
    const request = canonical({ model: 'm', input: [{ role: 'user', content: 'a' }, { type: 'reasoning', summary: [{ type: 'summary_text', text: 't' }], encrypted_content: value }, { role: 'assistant', content: 'b' }] });
    expect(request.messages[1]?.parts).toEqual([{ type: 'reasoning', text: 't', state: { dialect: 'anthropic', value: 'sig', kind: 'signature' } }, { type: 'text', text: 'b' }]);
  });

  it('maps settings', () => {
    const request = canonical({
      model: 'm',
      input: 'hi',
      temperature: 0.5,
      top_p: 0.9,
      tool_choice: { type: 'function', name: 'f' },
      tools: [{ type: 'function', name: 'f', parameters: null, strict: false }],
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
      reasoning: { effort: 'xhigh' },
      safety_identifier: 'user-hash',
      user: 'legacy',
    });
    expect(request).toMatchObject({
      temperature: 0.5,
      top_p: 0.9,
      tool_choice: { type: 'tool', name: 'f' },
      tools: [{ name: 'f', parameters: { type: 'object', properties: {} } }],
      response_format: { type: 'json-schema', name: 'out', schema: { type: 'object' }, strict: true },
      reasoning: { effort: 'high' },
      user: 'user-hash',
      messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
    });
    expect(canonical({ model: 'm', input: 'hi', reasoning: { effort: 'none' }, tool_choice: 'required' })).toMatchObject({ reasoning: null, tool_choice: { type: 'required' } });
    expect(canonical({ model: 'm', input: 'hi', text: { format: { type: 'json_object' } } }).response_format).toEqual({ type: 'json' });
  });

  it('narrows tools by allowed_tools', () => {
    const tools = [{ type: 'function', name: 'a', parameters: {} }, { type: 'function', name: 'b', parameters: {} }];
    const request = canonical({ model: 'm', input: 'x', tools, tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'b' }] } });
    expect(request.tools.map((tool) => tool.name)).toEqual(['b']);
    expect(request.tool_choice).toEqual({ type: 'required' });
  });

  it('takes images and text in a tool output', () => {
    const request = canonical({
      model: 'm',
      input: [
        { type: 'function_call', call_id: 'c1', name: 'shot', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'here' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] },
      ],
    });
    expect(request.messages[1]?.parts).toEqual([
      { type: 'tool-result', tool_call_id: 'c1', content: [{ type: 'text', text: 'here' }, { type: 'image', source: { kind: 'base64', media_type: 'image/png', data: 'AAAA' } }], is_error: false },
    ]);
  });

  it.each([
    [{ tools: [{ type: 'namespace', name: 'ns', tools: [{ type: 'custom', name: 'free' }] }] }, 'tools[0].tools[0]'],
    [{ tools: [{ type: 'custom', name: 'apply_patch' }] }, 'tools[0]'],
    [{ tool_choice: { type: 'web_search_preview' } }, 'tool_choice'],
    [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file-1' }] }] }, 'input[0].content[0].type'],
    [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1', detail: 'auto' }] }] }, 'input[0].content[0]'],
    [{ input: [{ type: 'local_shell_call', call_id: 'c', action: {} }] }, 'input[0].type'],
    [{ top_logprobs: 5 }, 'top_logprobs'],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt'],
  ])('refuses what another dialect cannot express: %j', (extra, param) => {
    const converted = responsesToCanonical(inbound({ model: 'm', input: 'x', ...extra }));
    expect(converted.ok).toBe(false);
    if (!converted.ok) expect(converted.error).toMatchObject({ kind: 'unsupported', param });
  });

  it('leaves hosted tools out (Codex always offers web_search) and flattens namespaces', () => {
    const request = canonical({
      model: 'm',
      input: [
        { role: 'user', content: 'go' },
        { type: 'function_call', call_id: 'c1', name: 'spawn', namespace: 'agents', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ],
      tools: [
        { type: 'function', name: 'exec', parameters: { type: 'object' } },
        { type: 'web_search' },
        { type: 'namespace', name: 'agents', description: 'sub-agents', tools: [{ type: 'function', name: 'spawn', description: 'Spawn one', parameters: { type: 'object' } }] },
      ],
    });
    expect(request.tools.map((tool) => tool.name)).toEqual(['exec', 'agents__spawn']);
    expect(request.messages[1]?.parts[0]).toMatchObject({ type: 'tool-call', name: 'agents__spawn' });
  });

  it('renders a call to a flattened namespace tool with its namespace, streamed and not', () => {
    const client = inbound({ model: 'm', input: 'x', tools: [{ type: 'namespace', name: 'agents', description: 'd', tools: [{ type: 'function', name: 'spawn' }] }] });
    const body = JSON.parse(renderResponsesResponse({ parts: [{ type: 'tool-call', id: 't', name: 'agents__spawn', arguments: '{}' }], finish_reason: 'tool_calls', usage: null }, client, context));
    expect(body.output[0]).toMatchObject({ type: 'function_call', name: 'spawn', namespace: 'agents' });
    const encoder = createResponsesStreamEncoder(client, context);
    const frames = [
      ...encoder.encode({ type: 'tool-call-start', index: 0, id: 't', name: 'agents__spawn' }),
      ...encoder.encode({ type: 'tool-call-delta', index: 0, arguments: '{}' }),
      ...encoder.encode({ type: 'tool-call-end', index: 0 }),
    ].join('');
    expect(frames).toContain('"name":"spawn","namespace":"agents"');
    expect(frames).not.toContain('agents__spawn');
  });

  it('refuses an input with no conversation in it', () => {
    const converted = responsesToCanonical(inbound({ model: 'm', instructions: 'x' }));
    expect(!converted.ok && converted.error).toMatchObject({ kind: 'invalid_request', param: 'input' });
  });
});
