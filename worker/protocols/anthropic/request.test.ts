// Anthropic requests as current clients send them (Claude Code 2.x): parsing, same-dialect
// passthrough with headers and query, the cross-dialect rule, and reasoning state going up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../canonical';
import { stateForClient } from '../shared/reasoning-state';
import type { AnthropicInbound } from '../inbound';
import type { RouteContext, UpstreamTarget } from '../types';
import { parseAnthropicInbound } from './request';
import { buildAnthropicBody, passthroughAnthropicRequest } from './request-build';
import { anthropicToCanonical } from './request-canonical';

const claudeCodeRaw = readFileSync(join(import.meta.dirname, 'fixtures', 'request-claude-code.json'), 'utf8');
const BETA = 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,effort-2025-11-24';
const target: UpstreamTarget = { dialect: 'anthropic', base_url: 'https://upstream.test/', upstream_model: 'upstream-model', api_key: 'sk-secret-key-123' };

function parse(raw: string, route: Partial<RouteContext> = {}) {
  return parseAnthropicInbound(JSON.parse(raw), raw, { operation: 'generate', ...route });
}

function inbound(body: unknown, route: Partial<RouteContext> = {}): AnthropicInbound {
  const parsed = parse(JSON.stringify(body), route);
  if (!parsed.ok) throw new Error(`parse failed: ${JSON.stringify(parsed.error)}`);
  return parsed.value;
}

function canonical(body: unknown): CanonicalRequest {
  const converted = anthropicToCanonical(inbound(body));
  if (!converted.ok) throw new Error(`toCanonical failed: ${JSON.stringify(converted.error)}`);
  return converted.value;
}

const base = { model: 'claude-sonnet-4-6', max_tokens: 1024 };
const user = { role: 'user', content: 'hi' };

describe("Claude Code's request", () => {
  const parsed = parse(claudeCodeRaw, { headers: { 'anthropic-beta': BETA, 'anthropic-version': '2023-06-01' }, query: 'beta=true' });

  it('parses: system entries, adaptive thinking, output_config, context_management, cache ttl', () => {
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.value.capabilities).toEqual(['tools']);
    expect(parsed.ok && parsed.value.bound_dialect).toBe('anthropic');
  });

  it('passes through byte for byte except the model, with its beta headers and query', () => {
    if (!parsed.ok) throw new Error('parse failed');
    const built = passthroughAnthropicRequest(parsed.value, target);
    expect(built.ok && built.value.body).toBe(claudeCodeRaw.replace('"model": "claude-sonnet-4-6"', '"model": "upstream-model"'));
    expect(built.ok && built.value.url).toBe('https://upstream.test/v1/messages?beta=true');
    expect(built.ok && built.value.headers).toEqual({
      'x-api-key': 'sk-secret-key-123',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': BETA,
      'content-type': 'application/json',
    });
  });

  it('across dialects: system entries folded in order, adaptive thinking as the effort asked', () => {
    if (!parsed.ok) throw new Error('parse failed');
    const converted = anthropicToCanonical(parsed.value);
    if (!converted.ok) throw new Error(JSON.stringify(converted.error));
    const request = converted.value;
    expect(request.system?.startsWith('x-anthropic-billing-header')).toBe(true);
    expect(request.system?.endsWith('\n\nThe user has switched to plan mode: do not edit files.')).toBe(true);
    expect(request.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'user']);
    expect(request.reasoning).toEqual({ effort: 'high' });
    expect(request.tools.map((tool) => tool.name)).toEqual(['Bash', 'Read', 'DeferredToolPlaceholder']);
    expect(request.max_output_tokens).toBe(32000);
    const assistant = request.messages[1];
    expect(assistant?.role === 'assistant' && assistant.parts.slice(0, 2)).toEqual([
      { type: 'reasoning', text: 'The user wants a directory listing; ls will do.', state: { dialect: 'anthropic', value: expect.stringMatching(/^EqQB/), kind: 'signature' } },
      { type: 'reasoning', text: '', state: { dialect: 'anthropic', value: expect.stringMatching(/^EmwK/), kind: 'redacted' } },
    ]);
  });
});

describe('passthrough headers and query', () => {
  it('keeps our default version when the client sent none, and forwards no beta', () => {
    const built = passthroughAnthropicRequest(inbound({ ...base, messages: [user] }), target);
    expect(built.ok && built.value.headers).toEqual({ 'x-api-key': 'sk-secret-key-123', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
    expect(built.ok && built.value.url).toBe('https://upstream.test/v1/messages');
  });

  it("replaces the version with the client's", () => {
    const built = passthroughAnthropicRequest(inbound({ ...base, messages: [user] }, { headers: { 'anthropic-version': '2099-01-01' }, query: '?beta=true' }), target);
    expect(built.ok && built.value.headers['anthropic-version']).toBe('2099-01-01');
    expect(built.ok && built.value.url).toBe('https://upstream.test/v1/messages?beta=true');
  });
});

describe('liberal schema', () => {
  it.each([
    ['thinking disabled', { thinking: { type: 'disabled' } }],
    ['a thinking mode newer than us', { thinking: { type: 'between_tools' } }],
    ['effort xhigh', { output_config: { effort: 'xhigh' } }],
    ['Anthropic-only top-level fields', { service_tier: 'auto', inference_geo: 'us', speed: 'fast', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    ['a null tool type', { tools: [{ type: null, name: 'f', input_schema: { type: 'object' } }] }],
    ['an MCP toolset without a name', { tools: [{ type: 'mcp_toolset', mcp_server_name: 'x' }] }],
  ])('accepts %s', (_name, extra) => {
    expect(parse(JSON.stringify({ ...base, messages: [user], ...extra })).ok).toBe(true);
  });

  it.each([
    ['document', { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }],
    ['search_result', { type: 'search_result', source: 's', title: 't', content: [{ type: 'text', text: 'x' }] }],
    ['tool_reference', { type: 'tool_result', tool_use_id: 't', content: [{ type: 'tool_reference', tool_name: 'Read' }] }],
    ['mcp_tool_use', { type: 'mcp_tool_use', id: 'm', name: 'n', server_name: 's', input: {} }],
    ['a future block', { type: 'hologram_2031', beam: 1 }],
  ])('accepts %s blocks, and refuses them across dialects naming the block', (_name, block) => {
    const request = inbound({ ...base, messages: [{ role: 'user', content: [block] }] });
    const converted = anthropicToCanonical(request);
    expect(converted.ok).toBe(false);
    expect(!converted.ok && converted.error).toMatchObject({ kind: 'unsupported', param: expect.stringMatching(/^messages\[0\]\.content\[0\]/) });
  });

  it('still names the field of a broken known block', () => {
    const parsed = parse(JSON.stringify({ ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] }));
    expect(!parsed.ok && parsed.error).toMatchObject({ kind: 'invalid_request', param: 'messages[0].content[0].text' });
  });

  it('still names the field of broken enabled thinking', () => {
    const parsed = parse(JSON.stringify({ ...base, messages: [user], thinking: { type: 'enabled' } }));
    expect(!parsed.ok && parsed.error).toMatchObject({ kind: 'invalid_request', param: 'thinking.budget_tokens' });
  });

  it('keeps max_tokens required', () => {
    const parsed = parse(JSON.stringify({ model: 'm', messages: [user] }));
    expect(!parsed.ok && parsed.error).toMatchObject({ param: 'max_tokens' });
  });

  it('accepts system entries in count_tokens', () => {
    const raw = JSON.stringify({ model: 'm', messages: [{ role: 'system', content: [{ type: 'text', text: 's' }] }, user] });
    expect(parseAnthropicInbound(JSON.parse(raw), raw, { operation: 'count_tokens' }).ok).toBe(true);
  });
});

describe('across dialects', () => {
  it.each([
    [{ type: 'enabled', budget_tokens: 2048 }, undefined, { budget_tokens: 2048 }],
    [{ type: 'adaptive' }, undefined, { effort: 'medium' }],
    [{ type: 'adaptive' }, 'low', { effort: 'low' }],
    [{ type: 'adaptive' }, 'max', { effort: 'high' }],
    [{ type: 'between_tools' }, undefined, { effort: 'medium' }],
    [{ type: 'disabled' }, 'high', null],
    [undefined, 'high', null],
  ])('thinking %j with effort %s → reasoning %j', (thinking, effort, expected) => {
    const body = { ...base, messages: [user], ...(thinking ? { thinking } : {}), ...(effort ? { output_config: { effort } } : {}) };
    expect(canonical(body).reasoning).toEqual(expected);
  });

  it('system entries alone make the system prompt', () => {
    expect(canonical({ ...base, messages: [{ role: 'system', content: 'a' }, user, { role: 'system', content: [{ type: 'text', text: 'b' }] }] }).system).toBe('a\n\nb');
    expect(canonical({ ...base, messages: [user] }).system).toBeNull();
  });

  it('maps a JSON schema output format and refuses any other', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(canonical({ ...base, messages: [user], output_config: { format: { type: 'json_schema', schema } } }).response_format).toEqual({
      type: 'json-schema', name: 'response', schema, strict: true,
    });
    const other = anthropicToCanonical(inbound({ ...base, messages: [user], output_config: { format: { type: 'grammar', grammar: 'x' } } }));
    expect(!other.ok && other.error).toMatchObject({ kind: 'unsupported', param: 'output_config.format' });
  });

  it.each([
    [{ mcp_servers: [{ type: 'url', url: 'https://mcp.test', name: 'x' }] }, 'mcp_servers'],
    [{ container: 'container_01' }, 'container'],
    [{ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0].type'],
    [{ tools: [{ type: 'code_execution_20250825', name: 'code_execution' }] }, 'tools[0].type'],
  ])('refuses %j naming %s', (extra, param) => {
    const converted = anthropicToCanonical(inbound({ ...base, messages: [user], ...extra }));
    expect(!converted.ok && converted.error).toMatchObject({ kind: 'unsupported', param });
  });

  it('drops what is safe to drop', () => {
    const request = canonical({ ...base, messages: [user], context_management: { edits: [] }, service_tier: 'auto', speed: 'fast', metadata: { user_id: 'u1' } });
    expect(request.user).toBe('u1');
  });
});

describe('reasoning state to an Anthropic channel', () => {
  const history = (blocks: unknown[]) => ({
    ...base,
    thinking: { type: 'adaptive' },
    messages: [user, { role: 'assistant', content: [...blocks, { type: 'text', text: 'ok' }] }, { role: 'user', content: 'more' }],
  });
  const assistantBlocks = (body: unknown) => {
    const built = buildAnthropicBody(canonical(body), 'upstream-model');
    if (!built.ok) throw new Error(JSON.stringify(built.error));
    return (built.value.messages as { role: string; content: unknown[] }[])[1]?.content;
  };

  it('keeps Anthropic signatures and redacted data byte-exact', () => {
    const body = history([
      { type: 'thinking', thinking: 'why', signature: 'EqQB+/=' },
      { type: 'redacted_thinking', data: 'EmwK+/=' },
    ]);
    expect(inbound(body).bound_dialect).toBe('anthropic');
    expect(assistantBlocks(body)).toEqual([
      { type: 'thinking', thinking: 'why', signature: 'EqQB+/=' },
      { type: 'redacted_thinking', data: 'EmwK+/=' },
      { type: 'text', text: 'ok' },
    ]);
  });

  it("strips another dialect's state, and unsigned thinking, for an Anthropic channel", () => {
    const envelope = stateForClient('anthropic', { dialect: 'openai-responses', value: 'gAAAA-encrypted', kind: 'encrypted', id: 'rs_1' });
    const body = history([{ type: 'thinking', thinking: 'from elsewhere', signature: envelope }, { type: 'thinking', thinking: 'unsigned', signature: '' }]);
    const request = inbound(body);
    expect(request.bound_dialect).toBe('openai-responses');
    const assistant = canonical(body).messages[1];
    expect(assistant?.role === 'assistant' && assistant.parts[0]).toEqual({
      type: 'reasoning', text: 'from elsewhere', state: { dialect: 'openai-responses', value: 'gAAAA-encrypted', kind: 'encrypted', id: 'rs_1' },
    });
    expect(assistantBlocks(body)).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('an empty signature binds nothing', () => {
    expect(inbound(history([{ type: 'thinking', thinking: 'x', signature: '' }])).bound_dialect).toBeNull();
  });
});
