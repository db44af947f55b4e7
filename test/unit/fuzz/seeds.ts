// Real documents the fuzzers start from: client requests for every format and operation (the
// shapes the official SDKs and coding agents send, including the recorded Claude Code and
// Responses-history requests), every recorded upstream stream, and the shipped configs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Protocol } from '../../../worker/core/types';
import type { InboundRequest, RouteContext, SourceEvent } from '../../../worker/protocols/types';
import { chunks, fixture, inbound } from '../../support/protocol-helpers';
import type { Json } from './arbitraries';

export const PROTOCOLS: Protocol[] = ['openai', 'openai-responses', 'anthropic', 'gemini'];

const FOLDERS: Record<Protocol, string> = { openai: 'openai', 'openai-responses': 'responses', anthropic: 'anthropic', gemini: 'gemini' };
const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface RequestSeed {
  body: Json;
  route: RouteContext;
}

const tool = { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const image = 'data:image/png;base64,iVBORw0KGgo=';

const generate: RouteContext = { operation: 'generate' };

export const REQUEST_SEEDS: Record<Protocol, RequestSeed[]> = {
  openai: [
    {
      body: {
        model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, temperature: 0.2, max_tokens: 100, tool_choice: 'auto',
        tools: [{ type: 'function', function: tool }],
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: image } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
        ],
        response_format: { type: 'json_object' },
      },
      route: generate,
    },
    { body: { model: 'text-embedding-3-small', input: ['one', 'two'], encoding_format: 'float' }, route: { operation: 'embed' } },
  ],
  'openai-responses': [
    { body: JSON.parse(fixture('openai-responses', 'request-history.json')) as Json, route: generate },
    {
      body: { model: 'gpt-5', stream: true, instructions: 'Be brief.', input: 'hi', reasoning: { effort: 'low' }, tools: [{ type: 'function', ...tool }], max_output_tokens: 50 },
      route: generate,
    },
    { body: { model: 'gpt-5', input: [{ role: 'user', content: 'count me' }] }, route: { operation: 'count_tokens' } },
  ],
  anthropic: [
    { body: JSON.parse(fixture('anthropic', 'request-claude-code.json')) as Json, route: generate },
    {
      body: {
        model: 'claude-haiku', max_tokens: 100, stream: true, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
        thinking: { type: 'enabled', budget_tokens: 1024 },
        tools: [{ name: tool.name, description: tool.description, input_schema: tool.parameters }],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' }] },
        ],
      },
      route: generate,
    },
    { body: { model: 'claude-haiku', messages: [{ role: 'user', content: 'count me' }] }, route: { operation: 'count_tokens' } },
  ],
  gemini: [
    {
      body: {
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        generationConfig: { temperature: 0.2, maxOutputTokens: 100, thinkingConfig: { thinkingBudget: 128 } },
        tools: [{ functionDeclarations: [tool] }],
        contents: [
          { role: 'user', parts: [{ text: 'Weather?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
          { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { result: 'Sunny' } } }] },
        ],
      },
      route: { operation: 'generate', path_model: 'gemini-2.5-flash', path_stream: true },
    },
    { body: { contents: [{ parts: [{ text: 'count me' }] }] }, route: { operation: 'count_tokens', path_model: 'gemini-2.5-flash' } },
    { body: { content: { parts: [{ text: 'embed me' }] } }, route: { operation: 'embed', path_model: 'text-embedding-004' } },
    {
      body: { requests: [{ model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] } }] },
      route: { operation: 'embed', path_model: 'text-embedding-004', path_batch: true },
    },
  ],
};

/** Every recorded upstream stream of a dialect, each as its list of SSE events. */
export function streamSeeds(dialect: Protocol): SourceEvent[][] {
  return readdirSync(join(ROOT, 'worker', 'protocols', FOLDERS[dialect], 'fixtures'))
    .filter((name) => name.endsWith('.chunks.txt'))
    .sort()
    .map((name) => chunks(dialect, name));
}

/** The shipped configs: the demo and the end-to-end test config. */
export const CONFIG_SEEDS: Json[] = ['scripts/demo-config.json', 'test/e2e/config.json'].map((file) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Json);

/** A streaming request of each client format (with usage asked for where that is optional). */
export function streamingRequest(protocol: Protocol): InboundRequest {
  switch (protocol) {
    case 'openai-responses':
      return inbound('openai-responses', { model: 'm', stream: true, input: 'hi' });
    case 'openai':
      return inbound('openai', { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    case 'anthropic':
      return inbound('anthropic', { model: 'm', stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    case 'gemini':
      return inbound('gemini', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, { path_model: 'm', path_stream: true });
  }
}

