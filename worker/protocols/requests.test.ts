// Request translation across dialects, non-streaming responses for all nine pairs, and
// same-dialect passthrough for Anthropic and Gemini.
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../core/types';
import { buildUpstreamRequest, parseInbound, translateResponse } from './index';
import { adapters } from './registry';
import { usageOf } from '../core/metering';
import { context, fixture, inbound, inboundRaw, target } from '../../test/support/protocol-helpers';
import type { InboundRequest } from './types';

const PROTOCOLS: Protocol[] = ['openai', 'openai-responses', 'anthropic', 'gemini'];

function upstreamBody(request: InboundRequest, dialect: Protocol): Record<string, unknown> {
  const built = buildUpstreamRequest(request, target(dialect));
  if (!built.ok) throw new Error(JSON.stringify(built.error));
  return JSON.parse(built.value.body);
}

function upstreamError(request: InboundRequest, dialect: Protocol) {
  const built = buildUpstreamRequest(request, target(dialect));
  if (built.ok) throw new Error('expected an error');
  return built.error;
}

const openaiConversation = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"CET"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
    { role: 'tool', tool_call_id: 'call_2', content: '14:00' },
    { role: 'user', content: 'Thanks' },
  ],
  tools: [
    { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
  ],
  tool_choice: 'required',
  parallel_tool_calls: false,
  temperature: 1.5,
  top_p: 0.9,
  stop: 'END',
  max_tokens: 300,
  seed: 7,
  stream: true,
};

describe('OpenAI client → Anthropic channel', () => {
  const body = upstreamBody(inbound('openai', openaiConversation), 'anthropic');

  it('maps system, images, tool calls and tool results', () => {
    expect(body.model).toBe('upstream-model');
    expect(body.system).toBe('Be brief.');
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather here?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: { tz: 'CET' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '{"temp":21}' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '14:00' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('maps sampling, stop, tools and tool choice', () => {
    expect(body).toMatchObject({
      max_tokens: 300,
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['END'],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stream: true,
    });
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      { name: 'get_time', input_schema: { type: 'object', properties: { tz: { type: 'string' } } } },
    ]);
    expect(body).not.toHaveProperty('seed');
  });

  it('sends the Anthropic headers and path', () => {
    const built = buildUpstreamRequest(inbound('openai', openaiConversation), target('anthropic'));
    expect(built.ok && built.value.url).toBe('https://upstream.test/v1/messages');
    expect(built.ok && built.value.headers).toEqual({ 'x-api-key': 'sk-secret-key-123', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
  });

  it('defaults max_tokens and maps reasoning effort to a thinking budget', () => {
    const minimal = upstreamBody(inbound('openai', { model: 'm', messages: [{ role: 'user', content: 'x' }] }), 'anthropic');
    expect(minimal.max_tokens).toBe(4096);
    const reasoning = upstreamBody(inbound('openai', { model: 'm', reasoning_effort: 'high', max_completion_tokens: 32000, messages: [{ role: 'user', content: 'x' }] }), 'anthropic');
    expect(reasoning.thinking).toEqual({ type: 'enabled', budget_tokens: 24576 });
  });

  it.each([
    [{ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }, 'response_format'],
    [{ response_format: { type: 'json_object' } }, 'response_format'],
    [{ n: 2 }, 'n'],
    [{ logprobs: true }, 'logprobs'],
    [{ functions: [{ name: 'f' }] }, 'functions'],
    [{ audio: { voice: 'alloy' } }, 'audio'],
  ])('refuses %j with a 400 naming the field', (extra, param) => {
    const error = upstreamError(inbound('openai', { model: 'm', messages: [{ role: 'user', content: 'x' }], ...extra }), 'anthropic');
    expect(error).toMatchObject({ kind: 'unsupported', param });
  });

  it('refuses non-JSON tool arguments with the path of the call', () => {
    const request = inbound('openai', {
      model: 'm',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: 'not json' } }] },
      ],
    });
    expect(upstreamError(request, 'anthropic')).toMatchObject({ kind: 'invalid_request', param: 'messages[1].tool_calls[0].function.arguments' });
  });
});

describe('OpenAI client → Gemini channel', () => {
  const built = buildUpstreamRequest(inbound('openai', openaiConversation), target('gemini', 'gemini-2.5-flash'));
  const body = built.ok ? JSON.parse(built.value.body) : null;

  it('uses the streaming URL and API key header', () => {
    expect(built.ok && built.value.url).toBe('https://upstream.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(built.ok && built.value.headers).toEqual({ 'x-goog-api-key': 'sk-secret-key-123', 'content-type': 'application/json' });
  });

  it('maps contents, function calls and named function responses', () => {
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(body.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Weather here?' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.jpg' } },
        ],
      },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: { tz: 'CET' } } }] },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
          { functionResponse: { name: 'get_time', response: { result: '14:00' } } },
          { text: 'Thanks' },
        ],
      },
    ]);
  });

  it('maps generation config and tool config', () => {
    expect(body.generationConfig).toEqual({ maxOutputTokens: 300, temperature: 1.5, topP: 0.9, stopSequences: ['END'], seed: 7 });
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(body.tools[0].functionDeclarations[0]).toEqual({
      name: 'get_weather',
      description: 'Weather',
      parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } },
    });
  });

  it('maps json_schema to responseJsonSchema and a forced tool to allowedFunctionNames', () => {
    const request = inbound('openai', {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' } } },
      tools: openaiConversation.tools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    const mapped = upstreamBody(request, 'gemini');
    expect(mapped.generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } });
    expect(mapped.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } });
  });

  it('refuses a tool result whose call is unknown', () => {
    const request = inbound('openai', { model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'ghost', content: 'r' }] });
    expect(upstreamError(request, 'gemini')).toMatchObject({ kind: 'invalid_request', param: 'messages[1].tool_call_id' });
  });
});

const anthropicConversation = {
  model: 'claude-sonnet-4',
  max_tokens: 1024,
  system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
  messages: [
    { role: 'user', content: 'What is the weather?' },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'Sunny' }], is_error: false },
        { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      ],
    },
  ],
  tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
  tool_choice: { type: 'tool', name: 'get_weather' },
  stop_sequences: ['###'],
  temperature: 0.2,
  top_k: 40,
  thinking: { type: 'enabled', budget_tokens: 2000 },
  metadata: { user_id: 'u-1' },
};

describe('Anthropic client → OpenAI channel', () => {
  const body = upstreamBody(inbound('anthropic', anthropicConversation), 'openai');

  it('maps blocks to messages, tool results to tool messages', () => {
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is the weather?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'Sunny' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } }] },
    ]);
  });

  it('maps sampling, thinking and tool choice; drops top_k', () => {
    expect(body).toMatchObject({
      max_completion_tokens: 1024,
      temperature: 0.2,
      stop: ['###'],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      reasoning_effort: 'low',
      user: 'u-1',
    });
    expect(body).not.toHaveProperty('top_k');
    expect(body).not.toHaveProperty('max_tokens');
  });

  it('refuses server tools and documents', () => {
    const withServerTool = inbound('anthropic', { ...anthropicConversation, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }] });
    expect(upstreamError(withServerTool, 'openai')).toMatchObject({ kind: 'unsupported', param: 'tools[0].type' });
    const withDocument = inbound('anthropic', {
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }] }],
    });
    expect(upstreamError(withDocument, 'gemini')).toMatchObject({ kind: 'unsupported', param: 'messages[0].content[0].type' });
  });
});

describe('Anthropic client → Gemini channel', () => {
  it('maps thinking, top_k and the forced tool', () => {
    const body = upstreamBody(inbound('anthropic', anthropicConversation), 'gemini');
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 1024,
      temperature: 0.2,
      topK: 40,
      stopSequences: ['###'],
      thinkingConfig: { thinkingBudget: 2000, includeThoughts: true },
    });
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
    expect((body.contents as unknown[])[2]).toEqual({
      role: 'user',
      parts: [{ functionResponse: { name: 'get_weather', response: { result: 'Sunny' } } }, { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } }],
    });
  });
});

const geminiConversation = {
  systemInstruction: { parts: [{ text: 'Answer in French.' }] },
  contents: [
    { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }] },
    { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_weather', args: { city: 'Rome' } } }] },
    {
      role: 'user',
      parts: [
        { functionResponse: { name: 'get_weather', response: { temp: 20 } } },
        { functionResponse: { name: 'get_weather', response: { temp: 25 } } },
      ],
    },
  ],
  tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } }] }],
  toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
  generationConfig: { temperature: 0.4, topP: 0.8, topK: 20, maxOutputTokens: 500, stopSequences: ['x'], responseMimeType: 'text/plain' },
};

describe('Gemini client → OpenAI and Anthropic channels', () => {
  const request = inbound('gemini', geminiConversation, { path_model: 'models/gemini-2.5-flash', path_stream: false });

  it('takes the model and stream flag from the path', () => {
    expect(request).toMatchObject({ model: 'gemini-2.5-flash', stream: false, capabilities: ['tools', 'vision'] });
  });

  it('pairs function responses with calls by position, with lower-cased schema types', () => {
    const body = upstreamBody(request, 'openai');
    expect(body.messages).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_0', content: '{"temp":20}' },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":25}' },
    ]);
    expect(body.tools).toEqual([{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]);
    expect(body).toMatchObject({ temperature: 0.4, top_p: 0.8, max_tokens: 500, stop: ['x'], tool_choice: 'auto' });
  });

  it('maps to Anthropic with tool ids that match', () => {
    const body = upstreamBody(request, 'anthropic');
    const messages = body.messages as { content: { type: string; id?: string; tool_use_id?: string }[] }[];
    expect(messages[1]?.content.map((block) => block.id)).toEqual(['call_0', 'call_1']);
    expect(messages[2]?.content.map((block) => block.tool_use_id)).toEqual(['call_0', 'call_1']);
    expect(body).toMatchObject({ top_k: 20, temperature: 0.4, max_tokens: 500 });
  });

  it.each([
    [{ tools: [{ googleSearch: {} }] }, 'tools[0].googleSearch'],
    [{ cachedContent: 'cachedContents/abc' }, 'cachedContent'],
    [{ generationConfig: { candidateCount: 2 } }, 'generationConfig.candidateCount'],
    [{ contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'audio/wav', data: 'AA' } }] }] }, 'contents[0].parts[0].inlineData'],
    [{ contents: [{ role: 'user', parts: [{ executableCode: { code: 'x' } }] }] }, 'contents[0].parts[0].executableCode'],
  ])('refuses %j naming the field', (extra, param) => {
    const hostile = inbound('gemini', { ...geminiConversation, ...extra }, { path_model: 'g' });
    expect(upstreamError(hostile, 'openai')).toMatchObject({ kind: 'unsupported', param });
  });
});

describe('translation is deterministic', () => {
  it.each([
    ['openai', openaiConversation, {}],
    ['anthropic', anthropicConversation, {}],
    ['gemini', geminiConversation, { path_model: 'g' }],
  ] as const)('%s requests produce the same upstream bytes every time', (protocol, body, route) => {
    for (const dialect of PROTOCOLS) {
      const first = buildUpstreamRequest(inbound(protocol, body, route), target(dialect));
      const second = buildUpstreamRequest(inbound(protocol, JSON.parse(JSON.stringify(body)), route), target(dialect));
      expect(second).toEqual(first);
    }
  });
});

describe('same-dialect passthrough for Anthropic and Gemini', () => {
  it('Anthropic: only the model changes, byte for byte', () => {
    const raw = '{"max_tokens" : 1024,\n "messages":[{"role":"user","content":"caf\\u00e9"}],"model":"claude","system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],"temperature":1.0,"unknown_field":{"a":[1,2]}}';
    const built = buildUpstreamRequest(inboundRaw('anthropic', raw), target('anthropic', 'claude-sonnet-4-20250514'));
    expect(built.ok && built.value.body).toBe(raw.replace('"model":"claude"', '"model":"claude-sonnet-4-20250514"'));
  });

  it('Gemini: the body is untouched and the model goes in the path', () => {
    const raw = '{ "contents": [ {"role":"user","parts":[{"text":"hi"}]} ], "generationConfig": {"temperature": 0.50} }';
    const built = buildUpstreamRequest(inboundRaw('gemini', raw, { path_model: 'gemini-x', path_stream: true }), target('gemini', 'gemini-2.5-flash'));
    expect(built.ok && built.value.body).toBe(raw);
    expect(built.ok && built.value.url).toBe('https://upstream.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('responses carry the catalog model and usage', () => {
    const anthropic = translateResponse(inbound('anthropic', { model: 'c', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), 'anthropic', fixture('anthropic', 'message.json'), context);
    expect(anthropic.ok && JSON.parse(anthropic.value.body).model).toBe('catalog-model');
    expect(anthropic.ok && anthropic.value.usage).toMatchObject({ input_tokens: 3895, output_tokens: 503, cached_input_tokens: 1800, reasoning_tokens: 0 });
    const gemini = translateResponse(inbound('gemini', { contents: [{ parts: [{ text: 'x' }] }] }, { path_model: 'g' }), 'gemini', fixture('gemini', 'generate-content.json'), context);
    expect(gemini.ok && JSON.parse(gemini.value.body).modelVersion).toBe('catalog-model');
    expect(gemini.ok && gemini.value.usage).toEqual(usageOf({ input_tokens: 8, output_tokens: 32, reasoning_tokens: 20 }));
  });
});

function plainRequest(protocol: Protocol): InboundRequest {
  switch (protocol) {
    case 'openai-responses':
      return inbound('openai-responses', { model: 'm', input: 'hi' });
    case 'openai':
      return inbound('openai', { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    case 'anthropic':
      return inbound('anthropic', { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    case 'gemini':
      return inbound('gemini', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, { path_model: 'm' });
  }
}

const responseFixtures: Record<Protocol, { text: string; tools: string; toolNames: string[]; usage: object }> = {
  openai: { text: 'chat-completion.json', tools: 'chat-completion-tools.json', toolNames: ['get_current_weather', 'get_current_weather'], usage: { input_tokens: 19, output_tokens: 10 } },
  'openai-responses': { text: 'response-text.json', tools: 'response-function-call.json', toolNames: ['get_weather', 'get_weather'], usage: { input_tokens: 36, output_tokens: 87 } },
  anthropic: { text: 'message.json', tools: 'message-tools.json', toolNames: ['get_weather', 'get_time'], usage: { input_tokens: 3895, output_tokens: 503, cached_input_tokens: 1800 } },
  gemini: { text: 'generate-content.json', tools: 'generate-content-tools.json', toolNames: ['get_weather', 'get_weather'], usage: { input_tokens: 8, output_tokens: 32, reasoning_tokens: 20 } },
};

describe.each(PROTOCOLS.flatMap((client) => PROTOCOLS.map((upstream) => [client, upstream] as const)))(
  'non-streaming %s client ← %s channel',
  (client, upstream) => {
    it('renders text, finish reason and usage in the client format', () => {
      const text = fixture(upstream, responseFixtures[upstream].text);
      const translated = translateResponse(plainRequest(client), upstream, text, context);
      if (!translated.ok) throw new Error(JSON.stringify(translated.error));
      expect(translated.value.finish_reason).toBe('stop');
      expect(translated.value.usage).toMatchObject(responseFixtures[upstream].usage);
      const readBack = adapters[client].readResponse(translated.value.body);
      if (!readBack.ok) throw new Error('client cannot read its own format');
      const original = adapters[upstream].readResponse(text);
      if (!original.ok) throw new Error('fixture');
      const textOf = (parts: { type: string; text?: string }[]) => parts.filter((part) => part.type === 'text').map((part) => part.text).join('');
      expect(textOf(readBack.value.parts)).toBe(textOf(original.value.parts));
      expect(readBack.value.finish_reason).toBe('stop');
      if (client === 'openai') expect(JSON.parse(translated.value.body)).toMatchObject({ model: 'catalog-model', provider: client === upstream ? 'acme-east' : 'acme-east' });
    });

    it('renders parallel tool calls', () => {
      const translated = translateResponse(plainRequest(client), upstream, fixture(upstream, responseFixtures[upstream].tools), context);
      if (!translated.ok) throw new Error(JSON.stringify(translated.error));
      expect(translated.value.finish_reason).toBe('tool_calls');
      const readBack = adapters[client].readResponse(translated.value.body);
      if (!readBack.ok) throw new Error('client cannot read its own format');
      const calls = readBack.value.parts.filter((part) => part.type === 'tool-call');
      expect(calls.map((call) => call.name)).toEqual(responseFixtures[upstream].toolNames);
      for (const call of calls) expect(typeof JSON.parse(call.arguments)).toBe('object');
      if (client !== upstream && (client === 'openai' || client === 'anthropic')) {
        const prefix = client === 'openai' ? 'call_' : 'toolu_';
        for (const call of calls) expect(call.id.startsWith(prefix)).toBe(true);
        expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length);
      }
    });
  },
);

describe('embeddings across dialects', () => {
  const embed = (body: object) => {
    const raw = JSON.stringify(body);
    const parsed = parseInbound('openai', JSON.parse(raw), raw, { operation: 'embed' });
    if (!parsed.ok) throw new Error('parse');
    return parsed.value;
  };

  it('OpenAI embeddings on a Gemini channel use batchEmbedContents', () => {
    const request = embed({ model: 'e', input: ['a', 'b'], dimensions: 3 });
    const built = buildUpstreamRequest(request, target('gemini', 'gemini-embedding-001'));
    expect(built.ok && built.value.url).toBe('https://upstream.test/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(built.ok && JSON.parse(built.value.body)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 3 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 3 },
      ],
    });
    const translated = translateResponse(request, 'gemini', fixture('gemini', 'batch-embed.json'), context);
    expect(translated.ok && JSON.parse(translated.value.body)).toMatchObject({
      object: 'list',
      model: 'catalog-model',
      data: [{ object: 'embedding', index: 0, embedding: [0.013168523, -0.008711934, -0.046782676] }, { index: 1 }],
    });
  });

  it('base64 encoding is emulated as little-endian float32', () => {
    const translated = translateResponse(embed({ model: 'e', input: ['a', 'b'], encoding_format: 'base64' }), 'gemini', fixture('gemini', 'batch-embed.json'), context);
    const first = translated.ok ? JSON.parse(translated.value.body).data[0].embedding : '';
    const bytes = Uint8Array.from(atob(first), (character) => character.charCodeAt(0));
    expect(Array.from(new Float32Array(bytes.buffer))[0]).toBeCloseTo(0.013168523, 6);
  });

  it('Anthropic channels cannot embed; token inputs need an OpenAI channel', () => {
    expect(upstreamError(embed({ model: 'e', input: 'a' }), 'anthropic')).toMatchObject({ kind: 'unsupported', param: 'model' });
    expect(upstreamError(embed({ model: 'e', input: [1, 2, 3] }), 'gemini')).toMatchObject({ kind: 'unsupported', param: 'input' });
  });
});
