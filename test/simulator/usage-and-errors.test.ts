import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { postJson, readSse, useSimulator } from './test-helpers';

const simulator = useSimulator([
  { name: 'quiet-openai', dialect: 'openai', omit_usage: true },
  { name: 'quiet-responses', dialect: 'openai-responses', omit_usage: true },
  { name: 'quiet-anthropic', dialect: 'anthropic', omit_usage: true },
  { name: 'quiet-gemini', dialect: 'gemini', omit_usage: true },
  { name: 'key-openai', dialect: 'openai', stream_error_status: 401 },
  { name: 'key-responses', dialect: 'openai-responses', stream_error_status: 401 },
  { name: 'key-anthropic', dialect: 'anthropic', stream_error_status: 401 },
  { name: 'key-gemini', dialect: 'gemini', stream_error_status: 401 },
]);
const url = (name: string, path: string) => `${simulator.get().url}/${name}${path}`;
const chat = { model: 'm', messages: [{ role: 'user', content: 'hello' }] };
const responses = { model: 'm', input: 'hello' };
const messages = { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] };
const contents = { contents: [{ role: 'user', parts: [{ text: 'hello' }] }] };

async function control(name: string, patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${simulator.get().url}/_sim/providers/${name}`, { method: 'PATCH', body: JSON.stringify(patch) });
  expect(response.status).toBe(200);
}

describe('omit_usage', () => {
  it('reports no usage in any dialect, streamed or not', async () => {
    expect((await (await postJson(url('quiet-openai', '/v1/chat/completions'), chat)).json<any>()).usage).toBeUndefined();
    const chunks = await readSse(await postJson(url('quiet-openai', '/v1/chat/completions'), { ...chat, stream: true, stream_options: { include_usage: true } }));
    expect(chunks.at(-1)!.data).toBe('[DONE]');
    expect(chunks.some((chunk) => chunk.data.includes('"usage"'))).toBe(false);

    expect((await (await postJson(url('quiet-responses', '/v1/responses'), responses)).json<any>()).usage).toBeUndefined();
    const events = await readSse(await postJson(url('quiet-responses', '/v1/responses'), { ...responses, stream: true }));
    expect(events.at(-1)!.event).toBe('response.completed');
    expect(events.some((event) => event.data.includes('"usage"'))).toBe(false);

    expect((await (await postJson(url('quiet-anthropic', '/v1/messages'), messages)).json<any>()).usage).toBeUndefined();
    const anthropic = await readSse(await postJson(url('quiet-anthropic', '/v1/messages'), { ...messages, stream: true }));
    expect(anthropic.at(-1)!.event).toBe('message_stop');
    expect(anthropic.some((event) => event.data.includes('"usage"'))).toBe(false);

    expect((await (await postJson(url('quiet-gemini', '/v1beta/models/g:generateContent'), contents)).json<any>()).usageMetadata).toBeUndefined();
    for (const query of ['?alt=sse', '']) {
      const text = await (await postJson(url('quiet-gemini', `/v1beta/models/g:streamGenerateContent${query}`), contents)).text();
      expect(text).toContain('candidates');
      expect(text).not.toContain('usageMetadata');
    }
  });
});

describe('stream_error_status', () => {
  it('openai: 200, then the real invalid_api_key error as a data line, and no [DONE]', async () => {
    const response = await postJson(url('key-openai', '/v1/chat/completions'), { ...chat, stream: true });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      'data: {"error":{"message":"Incorrect API key provided: sk-****1234. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}\n\n',
    );
    const plain = await postJson(url('key-openai', '/v1/chat/completions'), chat);
    expect(plain.status).toBe(401);
    expect((await plain.json<any>()).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    await expect(new OpenAI({ baseURL: url('key-openai', '/v1'), apiKey: 'x', maxRetries: 0 }).chat.completions.create({ ...chat, stream: true } as never).then(async (stream: any) => {
      for await (const _chunk of stream) void _chunk;
    })).rejects.toThrow(/Incorrect API key/);
  });

  it('openai: rate_limit_exceeded for 429 and server_error for 5xx', async () => {
    await control('key-openai', { stream_error_status: 429 });
    expect(await (await postJson(url('key-openai', '/v1/chat/completions'), { ...chat, stream: true })).text()).toContain('"code":"rate_limit_exceeded"');
    await control('key-openai', { stream_error_status: 503 });
    expect(await (await postJson(url('key-openai', '/v1/chat/completions'), { ...chat, stream: true })).text()).toContain('"type":"server_error"');
    await control('key-openai', { stream_error_status: 401 });
  });

  it('anthropic: an error event with the status type (authentication_error, overloaded_error, …)', async () => {
    const response = await postJson(url('key-anthropic', '/v1/messages'), { ...messages, stream: true });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('event: error\ndata: {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}\n\n');
    for (const [status, type] of [[403, 'permission_error'], [404, 'not_found_error'], [429, 'rate_limit_error'], [529, 'overloaded_error'], [500, 'api_error']] as const) {
      await control('key-anthropic', { stream_error_status: status });
      const events = await readSse(await postJson(url('key-anthropic', '/v1/messages'), { ...messages, stream: true }));
      expect(JSON.parse(events[0]!.data).error.type).toBe(type);
      const plain = await postJson(url('key-anthropic', '/v1/messages'), messages);
      expect(plain.status).toBe(status);
      expect((await plain.json<any>()).error.type).toBe(type);
    }
    await control('key-anthropic', { stream_error_status: 401 });
  });

  it('gemini: the error object in the stream (SSE and JSON array), the status otherwise', async () => {
    const sse = await postJson(url('key-gemini', '/v1beta/models/g:streamGenerateContent?alt=sse'), contents);
    expect(sse.status).toBe(200);
    expect(await sse.text()).toBe('data: {"error":{"code":401,"message":"API key not valid. Please pass a valid API key.","status":"UNAUTHENTICATED"}}\r\n\r\n');
    const array = await (await postJson(url('key-gemini', '/v1/models/g:streamGenerateContent'), contents)).json<any>();
    expect(array[0].error.status).toBe('UNAUTHENTICATED');
    const plain = await postJson(url('key-gemini', '/v1beta/models/g:generateContent'), contents);
    expect(plain.status).toBe(401);
  });

  it('responses: an error event for request errors, response.failed for server errors', async () => {
    const events = await readSse(await postJson(url('key-responses', '/v1/responses'), { ...responses, stream: true }));
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toBe('error');
    expect(JSON.parse(events[0]!.data)).toMatchObject({ type: 'error', code: 'invalid_api_key', param: null, sequence_number: 0 });
    expect((await postJson(url('key-responses', '/v1/responses'), responses)).status).toBe(401);
    await control('key-responses', { stream_error_status: 500 });
    const failed = await readSse(await postJson(url('key-responses', '/v1/responses'), { ...responses, stream: true }));
    expect(failed.map((event) => event.event)).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    expect(JSON.parse(failed[2]!.data).response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
  });
});
