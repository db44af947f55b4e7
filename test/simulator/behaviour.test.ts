import { afterAll, describe, expect, it } from 'vitest';
import type { ProviderBehaviourInput } from './server';
import { startSimulator } from './server';
import { postJson, readSse, useSimulator } from './test-helpers';

const simulator = useSimulator([]);
const openaiBody = { model: 'm', messages: [{ role: 'user', content: 'hello' }] };
const anthropicBody = { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] };
const geminiBody = { contents: [{ role: 'user', parts: [{ text: 'hello' }] }] };

async function provider(name: string, behaviour: ProviderBehaviourInput): Promise<string> {
  const response = await fetch(`${simulator.get().url}/_sim/providers/${name}`, { method: 'PUT', body: JSON.stringify(behaviour) });
  expect(response.status).toBeLessThan(300);
  return `${simulator.get().url}/${name}`;
}

async function counters(name: string) {
  return (await (await fetch(`${simulator.get().url}/_sim/providers/${name}`)).json<any>()).counters;
}

describe('provider behaviour', () => {
  it('down: the connection is dropped without a response, so fetch rejects', async () => {
    const url = await provider('down-one', { dialect: 'openai', down: true });
    await expect(postJson(`${url}/v1/chat/completions`, openaiBody)).rejects.toThrow();
    expect(await counters('down-one')).toEqual({ requests: 1, errors: 1, in_flight: 0 });
    await fetch(`${simulator.get().url}/_sim/providers/down-one`, { method: 'PATCH', body: JSON.stringify({ down: false }) });
    expect((await postJson(`${url}/v1/chat/completions`, openaiBody)).status).toBe(200);
  });

  it('hang: the request is held until the client gives up, then released', async () => {
    const url = await provider('hang-one', { dialect: 'anthropic', hang: true });
    const started = Date.now();
    await expect(postJson(`${url}/v1/messages`, anthropicBody, {}, AbortSignal.timeout(300))).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await expect.poll(async () => (await counters('hang-one')).in_flight).toBe(0);
  });

  it('rate_limit_rps: past the bucket, 429 with retry-after in the dialect shape', async () => {
    const url = await provider('limited', { dialect: 'openai', rate_limit_rps: 2 });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let index = 0; index < 4; index++) {
      const response = await postJson(`${url}/v1/chat/completions`, openaiBody);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await limited!.json<any>()).error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
  });

  it('max_concurrency: 429 past that many requests in flight', async () => {
    const url = await provider('narrow', { dialect: 'anthropic', max_concurrency: 1, ttft_ms: 300 });
    const [first, second] = await Promise.all([postJson(`${url}/v1/messages`, anthropicBody), postJson(`${url}/v1/messages`, anthropicBody)]);
    const statuses = [first!.status, second!.status].sort();
    expect(statuses).toEqual([200, 429]);
    const rejected = first!.status === 429 ? first! : second!;
    expect((await rejected.json<any>()).error.type).toBe('rate_limit_error');
  });

  it('error_rate 1 with error_status: every request fails with that status, in the dialect shape', async () => {
    const gemini = await provider('broken-gemini', { dialect: 'gemini', error_rate: 1, error_status: 503 });
    const response = await postJson(`${gemini}/v1beta/models/g:generateContent`, geminiBody);
    expect(response.status).toBe(503);
    expect((await response.json<any>()).error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    const anthropic = await provider('overloaded', { dialect: 'anthropic', error_rate: 1, error_status: 529 });
    const overloaded = await postJson(`${anthropic}/v1/messages`, anthropicBody);
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json<any>()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    const openai = await provider('broken-openai', { dialect: 'openai', error_rate: 1 });
    const failed = await postJson(`${openai}/v1/chat/completions`, openaiBody);
    expect(failed.status).toBe(500);
    expect((await failed.json<any>()).error.type).toBe('server_error');
    expect(await counters('broken-openai')).toMatchObject({ requests: 1, errors: 1 });
  });

  it('fail_mid_stream_rate 1: a stream is cut after some tokens, a plain reply before its body completes', async () => {
    const url = await provider('flaky', { dialect: 'openai', fail_mid_stream_rate: 1 });
    const stream = await postJson(`${url}/v1/chat/completions`, { ...openaiBody, stream: true });
    expect(stream.status).toBe(200);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += value;
        }
      })(),
    ).rejects.toThrow();
    expect(received).toContain('"content"');
    expect(received).not.toContain('[DONE]');
    const plain = await postJson(`${url}/v1/chat/completions`, openaiBody);
    await expect(plain.json<any>()).rejects.toThrow();
  });

  it('ttft_ms delays the first token and tokens_per_s paces the rest (loosely)', async () => {
    const url = await provider('slow', { dialect: 'anthropic', ttft_ms: 200, tokens_per_s: 50, output_tokens: 10 });
    const started = performance.now();
    const response = await postJson(`${url}/v1/messages`, { ...anthropicBody, stream: true });
    const reader = response.body!.getReader();
    await reader.read();
    const firstByte = performance.now() - started;
    while (!(await reader.read()).done);
    const total = performance.now() - started;
    expect(firstByte).toBeGreaterThanOrEqual(180);
    expect(total - firstByte).toBeGreaterThanOrEqual(140); // 9 tokens after the first at 50/s: 180 ms
    const plainStarted = performance.now();
    await (await postJson(`${url}/v1/messages`, anthropicBody)).json<any>();
    expect(performance.now() - plainStarted).toBeGreaterThanOrEqual(350); // 200 ms + 10 tokens at 50/s
  });

  it('zero delay: a reply arrives whole at once', async () => {
    const url = await provider('instant', { dialect: 'gemini' });
    const events = await readSse(await postJson(`${url}/v1beta/models/g:streamGenerateContent?alt=sse`, geminiBody));
    expect(events).toHaveLength(64);
  });
});

describe('determinism', () => {
  const others: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => Promise.all(others.map((other) => other.close())));

  async function reply(url: string, body: object = openaiBody): Promise<string> {
    return (await (await postJson(`${url}/v1/chat/completions`, body)).json<any>()).choices[0].message.content;
  }

  it('gives the same reply for the same prompt and seed, across servers, and another for another seed', async () => {
    const fleet = [{ name: 'p', dialect: 'openai' as const }];
    const a = await startSimulator({ port: 0, providers: fleet, seed: 7 });
    const b = await startSimulator({ port: 0, providers: fleet, seed: 7 });
    const c = await startSimulator({ port: 0, providers: fleet, seed: 8 });
    others.push(a, b, c);
    const first = await reply(`${a.url}/p`);
    expect(await reply(`${a.url}/p`)).toBe(first);
    expect(await reply(`${b.url}/p`)).toBe(first);
    expect(await reply(`${c.url}/p`)).not.toBe(first);
    expect(await reply(`${a.url}/p`, { ...openaiBody, seed: 1 })).not.toBe(first);
    expect(await reply(`${a.url}/p`, { ...openaiBody, messages: [{ role: 'user', content: 'hello!' }] })).not.toBe(first);
  });
});
