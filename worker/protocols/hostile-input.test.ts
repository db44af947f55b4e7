// Bad input never crashes and never reaches an upstream: it becomes invalid_request naming
// the path of the problem. Prototype-pollution keys pollute nothing.
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../core/types';
import { buildUpstreamRequest, parseInbound } from './index';
import { target } from '../../test/support/protocol-helpers';
import type { RouteContext } from './types';

function parse(protocol: Protocol, raw: string, route: Partial<RouteContext> = {}) {
  return parseInbound(protocol, JSON.parse(raw), raw, { operation: 'generate', ...route });
}

const user = '[{"role":"user","content":"hi"}]';

describe.each([
  ['openai', '{}', undefined],
  ['openai', '[]', undefined],
  ['openai', `{"messages":${user}}`, 'model'],
  ['openai', `{"model":42,"messages":${user}}`, 'model'],
  ['openai', '{"model":"m","messages":[]}', 'messages'],
  ['openai', '{"model":"m","messages":"hi"}', 'messages'],
  ['openai', '{"model":"m","messages":[{"role":"wizard","content":"x"}]}', 'messages[0].role'],
  ['openai', '{"model":"m","messages":[{"role":"user"}]}', 'messages[0].content'],
  ['openai', '{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":7}]}]}', 'messages[0].content[0].text'],
  ['openai', '{"model":"m","messages":[{"role":"user","content":[{"type":"video"}]}]}', 'messages[0].content[0].type'],
  ['openai', '{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}', 'messages[0].content[0].image_url.url'],
  ['openai', '{"model":"m","messages":[{"role":"tool","content":"x"}]}', 'messages[0].tool_call_id'],
  ['openai', `{"model":"m","messages":${user},"stream":"yes"}`, 'stream'],
  ['openai', `{"model":"m","messages":${user},"max_tokens":0}`, 'max_tokens'],
  ['openai', `{"model":"m","messages":${user},"max_tokens":1.5}`, 'max_tokens'],
  ['openai', `{"model":"m","messages":${user},"max_completion_tokens":1e300}`, 'max_completion_tokens'],
  ['openai', `{"model":"m","messages":${user},"temperature":1e9}`, 'temperature'],
  ['openai', `{"model":"m","messages":${user},"top_p":-1}`, 'top_p'],
  ['openai', `{"model":"m","messages":${user},"stream_options":{"include_usage":"yes"}}`, 'stream_options.include_usage'],
  ['openai', `{"model":"m","messages":${user},"tools":[{"type":"function","function":{}}]}`, 'tools[0].function.name'],
  ['openai', `{"model":"m","messages":${user},"tool_choice":"sometimes"}`, 'tool_choice'],
  ['openai', `{"model":"m","messages":${user},"response_format":{"type":"yaml"}}`, 'response_format.type'],
  ['openai', `{"model":"m","messages":${user},"stop":[1]}`, 'stop[0]'],
  ['openai', `{"model":"${'m'.repeat(300)}","messages":${user}}`, 'model'],
  ['anthropic', `{"model":"c","messages":${user}}`, 'max_tokens'],
  ['anthropic', `{"model":"c","max_tokens":-5,"messages":${user}}`, 'max_tokens'],
  // Anthropic accepts `role: "system"` entries in messages (Claude Code sends them); an unknown role is still refused.
  ['anthropic', '{"model":"c","max_tokens":5,"messages":[{"role":"robot","content":"x"}]}', 'messages[0].role'],
  ['anthropic', '{"model":"c","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_use","id":"t","name":"n"}]}]}', 'messages[0].content[0].input'],
  ['anthropic', '{"model":"c","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64"}}]}]}', 'messages[0].content[0].source.media_type'],
  ['anthropic', `{"model":"c","max_tokens":5,"messages":${user},"temperature":2}`, 'temperature'],
  ['anthropic', `{"model":"c","max_tokens":5,"messages":${user},"thinking":{"type":"enabled"}}`, 'thinking.budget_tokens'],
  ['anthropic', `{"model":"c","max_tokens":5,"messages":${user},"tool_choice":{"type":"tool"}}`, 'tool_choice.name'],
  ['gemini', '{"contents":[]}', 'contents'],
  ['gemini', '{"contents":[{"role":"user","parts":[]}]}', 'contents[0].parts'],
  ['gemini', '{"contents":[{"role":"robot","parts":[{"text":"x"}]}]}', 'contents[0].role'],
  ['gemini', '{"contents":[{"parts":[{"text":5}]}]}', 'contents[0].parts[0].text'],
  ['gemini', '{"contents":[{"parts":[{"functionCall":{"args":{}}}]}]}', 'contents[0].parts[0].functionCall.name'],
  ['gemini', '{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"maxOutputTokens":"many"}}', 'generationConfig.maxOutputTokens'],
  ['gemini', '{"contents":[{"parts":[{"text":"x"}]}],"toolConfig":{"functionCallingConfig":{"mode":"SOMETIMES"}}}', 'toolConfig.functionCallingConfig.mode'],
] as const)('%s body %s', (protocol, raw, param) => {
  it(`is invalid_request${param ? ` at ${param}` : ''}`, () => {
    const result = parse(protocol, raw, { path_model: 'g' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('invalid_request');
    if (param !== undefined) expect(result.error).toMatchObject({ param });
  });
});

describe('other hostile input', () => {
  it('a Gemini request without a model in the path is refused', () => {
    expect(parse('gemini', '{"contents":[{"parts":[{"text":"x"}]}]}')).toMatchObject({ ok: false, error: { param: 'model' } });
  });

  it('non-object bodies are refused', () => {
    for (const protocol of ['openai', 'anthropic', 'gemini'] as const) {
      for (const body of [null, 1, 'x', [1]]) {
        const result = parseInbound(protocol, body, JSON.stringify(body), { operation: 'generate', path_model: 'g' });
        expect(result.ok).toBe(false);
      }
    }
  });

  it('embeddings inputs are validated', () => {
    for (const input of ['null', '[]', '[[]]', '{"a":1}', '[1.5]']) {
      const raw = `{"model":"e","input":${input}}`;
      const result = parseInbound('openai', JSON.parse(raw), raw, { operation: 'embed' });
      expect(result).toMatchObject({ ok: false, error: { kind: 'invalid_request', param: expect.stringMatching(/^input/) } });
    }
  });

  it('__proto__ and constructor keys pollute nothing, anywhere in the path', () => {
    const bodies: [Protocol, string][] = [
      ['openai', '{"__proto__":{"polluted":1},"model":"m","constructor":{"prototype":{"polluted":1}},"messages":[{"role":"user","content":"hi","__proto__":{"polluted":1}}],"tools":[{"type":"function","function":{"name":"f","parameters":{"__proto__":{"polluted":1}}}}]}'],
      ['anthropic', '{"__proto__":{"polluted":1},"model":"c","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"x","__proto__":{"polluted":1}}]}]}'],
      ['gemini', '{"__proto__":{"polluted":1},"contents":[{"parts":[{"text":"x","__proto__":{"polluted":1}}]}],"generationConfig":{"__proto__":{"polluted":1}}}'],
    ];
    for (const [protocol, raw] of bodies) {
      const parsed = parse(protocol, raw, { path_model: 'g' });
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      for (const dialect of ['openai', 'anthropic', 'gemini'] as const) {
        const built = buildUpstreamRequest(parsed.value, target(dialect));
        expect(built.ok).toBe(true);
        // Keys inside opaque client JSON (a tool's schema) are data and travel as data; nothing else carries them.
        if (built.ok && dialect !== protocol && protocol !== 'openai') expect(built.value.body).not.toContain('polluted');
        if (built.ok) expect(() => JSON.parse(built.value.body)).not.toThrow();
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    }
  });

  it('a finish reason named like an Object property maps to nothing strange', async () => {
    const { mapOpenaiFinishReason } = await import('./openai/mapping');
    const { mapAnthropicStopReason } = await import('./anthropic/mapping');
    const { mapGeminiFinishReason } = await import('./gemini/mapping');
    expect(mapOpenaiFinishReason('constructor')).toBe('stop');
    expect(mapAnthropicStopReason('__proto__')).toBe('stop');
    expect(mapGeminiFinishReason('toString')).toBe('stop');
  });

  it('huge nesting and long strings do not throw', () => {
    const deep = '['.repeat(2000) + ']'.repeat(2000);
    const raw = `{"model":"m","messages":[{"role":"user","content":"${'x'.repeat(200_000)}"}],"extra":${deep}}`;
    const parsed = parse('openai', raw);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value.input_tokens_estimate).toBeGreaterThan(40_000);
      const built = buildUpstreamRequest(parsed.value, target('openai', 'u'));
      expect(built.ok && built.value.body.length).toBe(raw.length);
    }
  });
});

describe('count_tokens', () => {
  it('parses without max_tokens and is never sent upstream', () => {
    const raw = '{"model":"claude","messages":[{"role":"user","content":"Hello, world"}],"system":"Be nice"}';
    const parsed = parseInbound('anthropic', JSON.parse(raw), raw, { operation: 'count_tokens' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toMatchObject({ operation: 'count_tokens', stream: false, max_output_tokens: null });
    expect(parsed.value.input_tokens_estimate).toBeGreaterThan(0);
    expect(buildUpstreamRequest(parsed.value, target('anthropic')).ok).toBe(false);
  });
});
