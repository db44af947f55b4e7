// Every behaviour field on the openai-responses dialect, plus what the request log keeps
// and the Gemini v1 paths and Anthropic one-hour cache writes.
import { describe, expect, it } from 'vitest';
import type { ProviderBehaviourInput } from './server';
import { postJson, readSse, useSimulator } from './test-helpers';

const simulator = useSimulator([]);
const body = { model: 'm', input: 'hello' };

async function provider(name: string, behaviour: ProviderBehaviourInput): Promise<string> {
  const response = await fetch(`${simulator.get().url}/_sim/providers/${name}`, { method: 'PUT', body: JSON.stringify(behaviour) });
  expect(response.status).toBeLessThan(300);
  return `${simulator.get().url}/${name}/v1/responses`;
}

async function readAll(response: Response, onText: (text: string) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onText(value);
  }
}

describe('openai-responses behaviour', () => {
  it('error_rate, rate_limit_rps and max_concurrency answer in the Responses error shape', async () => {
    const broken = await provider('r-broken', { dialect: 'openai-responses', error_rate: 1, error_status: 503 });
    const failed = await postJson(broken, body);
    expect(failed.status).toBe(503);
    expect((await failed.json<any>()).error).toEqual({ message: expect.any(String), type: 'server_error', param: null, code: null });
    const limited = await provider('r-limited', { dialect: 'openai-responses', rate_limit_rps: 1 });
    await (await postJson(limited, body)).arrayBuffer();
    const second = await postJson(limited, body);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await second.json<any>()).error.code).toBe('rate_limit_exceeded');
    const narrow = await provider('r-narrow', { dialect: 'openai-responses', max_concurrency: 1, ttft_ms: 200 });
    const statuses = (await Promise.all([postJson(narrow, body), postJson(narrow, body)])).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 429]);
  });

  it('lists models like the OpenAI API it belongs to', async () => {
    const url = await provider('r-models', { dialect: 'openai-responses', models: ['gpt-5', 'gpt-5-mini'] });
    const list = await (await fetch(url.replace('/responses', '/models'))).json<any>();
    expect(list.data.map((model: { id: string }) => model.id)).toEqual(['gpt-5', 'gpt-5-mini']);
    expect((await fetch(url)).status).toBe(404);
  });

  it('down resets the connection and hang never answers', async () => {
    await expect(postJson(await provider('r-down', { dialect: 'openai-responses', down: true }), body)).rejects.toThrow();
    await expect(postJson(await provider('r-hang', { dialect: 'openai-responses', hang: true }), body, {}, AbortSignal.timeout(200))).rejects.toThrow();
  });

  it('fail_mid_stream_rate cuts a stream after a token and before response.completed', async () => {
    const url = await provider('r-flaky', { dialect: 'openai-responses', fail_mid_stream_rate: 1 });
    const response = await postJson(url, { ...body, stream: true });
    expect(response.status).toBe(200);
    let received = '';
    await expect(readAll(response, (text) => (received += text))).rejects.toThrow();
    expect(received).toContain('response.output_text.delta');
    const plain = await postJson(url, body);
    await expect(plain.json<any>()).rejects.toThrow();
    expect(received).not.toContain('response.completed');
  });

  it('ttft_ms delays the first delta; tokens_per_s paces the rest', async () => {
    const url = await provider('r-slow', { dialect: 'openai-responses', ttft_ms: 150, tokens_per_s: 50, output_tokens: 10 });
    const started = performance.now();
    const events = await readSse(await postJson(url, { ...body, stream: true }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(150 + 140);
    expect(events.filter((event) => event.event === 'response.output_text.delta')).toHaveLength(10);
  });
});

describe('request log, Gemini v1 and one-hour cache writes', () => {
  it('keeps the query string in path, and the headers', async () => {
    const name = 'log-anthropic';
    await provider(name, { dialect: 'anthropic' });
    const messages = `${simulator.get().url}/${name}/v1/messages?beta=true`;
    const sent = await postJson(messages, { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, { 'anthropic-beta': 'context-1m-2025-08-07' });
    expect(sent.status).toBe(200);
    const { requests } = await (await fetch(`${simulator.get().url}/_sim/providers/${name}/requests?limit=1`)).json<any>();
    expect(requests[0]).toMatchObject({ path: '/v1/messages?beta=true', query: { beta: 'true' } });
    expect(requests[0].headers['anthropic-beta']).toBe('context-1m-2025-08-07');
  });

  it('serves Gemini under /v1/ as well as /v1beta/', async () => {
    await provider('g-versions', { dialect: 'gemini' });
    const contents = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    for (const version of ['v1', 'v1beta']) {
      const plain = await postJson(`${simulator.get().url}/g-versions/${version}/models/gemini-2.5-flash:generateContent`, contents);
      expect(plain.status).toBe(200);
      const events = await readSse(await postJson(`${simulator.get().url}/g-versions/${version}/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, contents));
      expect(events.length).toBe(64);
    }
  });

  it('reports a cache write under a ttl "1h" marker as a one-hour write', async () => {
    await provider('cache-1h', { dialect: 'anthropic' });
    const url = `${simulator.get().url}/cache-1h/v1/messages`;
    const request = (ttl?: string) => ({
      model: 'm', max_tokens: 10,
      system: [{ type: 'text', text: `${ttl ?? '5m'} ${'y'.repeat(6000)}`, cache_control: { type: 'ephemeral', ...(ttl ? { ttl } : {}) } }],
      messages: [{ role: 'user', content: 'one' }],
    });
    const hour = (await (await postJson(url, request('1h'))).json<any>()).usage;
    expect(hour).toMatchObject({ cache_creation_input_tokens: 1501, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1501 } });
    const five = (await (await postJson(url, request())).json<any>()).usage;
    expect(five).toMatchObject({ cache_creation_input_tokens: 1501, cache_creation: { ephemeral_5m_input_tokens: 1501, ephemeral_1h_input_tokens: 0 } });
    const read = (await (await postJson(url, request('1h'))).json<any>()).usage;
    expect(read).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 1501 });
  });
});
