// Every upstream failure the simulator can inject, on every client route: with a healthy
// backup the client gets a correct answer; alone, a correct error in its own protocol; a
// stream cut after the first token ends with the protocol's error event, never a clean
// finish. Every attempt is logged.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { analytics, flushLogs, MAIN_KEY, patchProvider, post, waitFor } from './helpers';

type Client = 'openai' | 'anthropic' | 'gemini';

const CLEAN = { down: false, hang: false, error_rate: 0, error_status: 500, rate_limit_rps: null, fail_mid_stream_rate: 0, ttft_ms: 5, tokens_per_s: 0, output_tokens: 16 };

function request(client: Client, model: string, stream: boolean) {
  const headers = { authorization: `Bearer ${MAIN_KEY}` };
  if (client === 'openai') {
    return post('/v1/chat/completions', { model, stream, messages: [{ role: 'user', content: 'fault test' }] }, headers);
  }
  if (client === 'anthropic') {
    return post('/v1/messages', { model, stream, max_tokens: 100, messages: [{ role: 'user', content: 'fault test' }] }, headers);
  }
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return post(`/v1beta/models/${model}:${method}`, { contents: [{ role: 'user', parts: [{ text: 'fault test' }] }] }, headers);
}

/** The error's status as the client's protocol spells it. */
function errorShape(client: Client, json: any): { ok: boolean; status?: string } {
  if (client === 'openai') return { ok: typeof json?.error?.message === 'string' && 'type' in json.error };
  if (client === 'anthropic') return { ok: json?.type === 'error' && typeof json.error?.type === 'string' };
  return { ok: typeof json?.error?.code === 'number' && typeof json.error.status === 'string', status: json?.error?.status };
}

/** Does this SSE text end with the client protocol's error event (and no clean finish)? */
function endsWithStreamError(client: Client, text: string): boolean {
  if (client === 'openai') return /data: \{"error"/.test(text) && !text.includes('data: [DONE]');
  if (client === 'anthropic') return /event: error/.test(text) && !text.includes('event: message_stop');
  return /"error"/.test(text);
}

const CLIENTS: Client[] = ['openai', 'anthropic', 'gemini'];
let attemptsSent = 0;
let rowsBefore = 0;
/** Requests every channel of which failed: each must still have exactly one final attempt, its last. */
const exhaustedRequests: string[] = [];

async function rows(): Promise<number> {
  return (await analytics('/health')).json.rows;
}

describe('upstream faults on every client route', () => {
  beforeEach(async () => {
    await patchProvider('e2e-fault', CLEAN);
    await patchProvider('e2e-fault-backup', CLEAN);
  });

  afterAll(async () => {
    await patchProvider('e2e-fault', CLEAN);
  });

  it('counts rows from here on', async () => {
    await flushLogs();
    rowsBefore = await rows();
  });

  const preFirstByte: Array<{ name: string; patch: Record<string, unknown>; status: number; gemini: string }> = [
    { name: 'refused', patch: { down: true }, status: 502, gemini: 'UNAVAILABLE' },
    { name: 'hung', patch: { hang: true }, status: 504, gemini: 'DEADLINE_EXCEEDED' },
    { name: '429 storm', patch: { error_rate: 1, error_status: 429 }, status: 429, gemini: 'RESOURCE_EXHAUSTED' },
    { name: '5xx burst', patch: { error_rate: 1, error_status: 500 }, status: 502, gemini: 'UNAVAILABLE' },
  ];

  for (const fault of preFirstByte) {
    for (const client of CLIENTS) {
      for (const stream of [false, true]) {
        it(`${fault.name} · ${client} · ${stream ? 'stream' : 'whole'}: a backup answers; alone, a ${fault.status}`, async () => {
          await patchProvider('e2e-fault', fault.patch);
          const rescued = await request(client, 'm-fault', stream);
          attemptsSent += Number(rescued.headers.get('x-switchboard-attempts'));
          expect(rescued.status).toBe(200);
          expect(rescued.headers.get('x-switchboard-channel')).toBe('ch-fault-backup');

          const alone = await request(client, 'm-fault-solo', stream);
          attemptsSent += Number(alone.headers.get('x-switchboard-attempts'));
          expect(alone.status).toBe(fault.status);
          exhaustedRequests.push(alone.headers.get('x-request-id') ?? '');
          const shape = errorShape(client, alone.json);
          expect(shape.ok, alone.text).toBe(true);
          if (client === 'gemini') expect(shape.status).toBe(fault.gemini);
          if (fault.status === 429) expect(alone.headers.get('retry-after')).toBeTruthy();
        });
      }
    }
  }

  for (const client of CLIENTS) {
    it(`cut mid-stream · ${client}: the stream ends with an error event, never a clean finish`, async () => {
      await patchProvider('e2e-fault', { fail_mid_stream_rate: 1, output_tokens: 40 });
      const result = await request(client, 'm-fault-solo', true);
      attemptsSent += Number(result.headers.get('x-switchboard-attempts'));
      // Either the cut came before any content (an ordinary error) or after (an error event).
      if (result.status === 200) expect(endsWithStreamError(client, result.text), result.text).toBe(true);
      else expect(errorShape(client, result.json).ok).toBe(true);
    });

    it(`slow drip · ${client}: a slow but steady stream completes`, async () => {
      await patchProvider('e2e-fault', { tokens_per_s: 40, output_tokens: 12 });
      const result = await request(client, 'm-fault-solo', true);
      attemptsSent += Number(result.headers.get('x-switchboard-attempts'));
      expect(result.status).toBe(200);
      expect(endsWithStreamError(client, result.text)).toBe(false);
    });
  }

  it('logged every attempt', async () => {
    await flushLogs();
    await waitFor(async () => (await rows()) === rowsBefore + attemptsSent, 8_000);
  });

  it('logged a request that exhausted its channels with its last attempt final', async () => {
    expect(exhaustedRequests.length).toBeGreaterThan(0);
    for (const requestId of exhaustedRequests) {
      const answer = await analytics(`/requests/${requestId}`);
      expect(answer.status, requestId).toBe(200);
      const attempts: Array<{ attempt: number; final: boolean }> = answer.json.records;
      const finals = attempts.filter((attempt) => attempt.final);
      expect(finals.length, JSON.stringify(attempts)).toBe(1);
      expect(finals[0]!.attempt).toBe(Math.max(...attempts.map((attempt) => attempt.attempt)));
    }
  });
});
