// The router's decision record reaches the log: a request's first attempt record, as shipped
// to the analytics node's /ingest, carries how the router chose, and it agrees with the
// channel the response names. Upstream and analytics node are both answered by a fetch spy.
import { SELF } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LogRecord } from '../../worker/core/types';
import { KEY, UPSTREAM_ORIGIN, applyConfig } from './routes-setup';

const shipped: LogRecord[] = [];
let spy: ReturnType<typeof vi.spyOn>;

function completion(model: string): Response {
  return Response.json({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  });
}

beforeAll(async () => {
  await applyConfig();
  const real = globalThis.fetch;
  spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(UPSTREAM_ORIGIN)) return real(input, init);
    if (request.url.endsWith('/ingest')) {
      const body = (await request.json()) as { records: LogRecord[] };
      shipped.push(...body.records);
      return Response.json({ ok: true });
    }
    return completion('m2');
  });
});

afterAll(() => spy.mockRestore());

async function recordsOf(request_id: string): Promise<LogRecord[]> {
  // The shipper sends by age (LOG_MAX_AGE_MS, 1 s by default).
  for (let waited = 0; waited < 5_000; waited += 100) {
    const records = shipped.filter((record) => record.request_id === request_id);
    if (records.length > 0) return records;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}

describe('decision record', () => {
  it("rides on the first attempt's log record and names the channel that answered", async () => {
    const response = await SELF.fetch('http://worker/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm2', messages: [{ role: 'user', content: 'Hello' }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    const channel = response.headers.get('x-switchboard-channel');
    const request_id = response.headers.get('x-request-id');
    expect(channel).toMatch(/^c2[ab]$/);
    expect(request_id).toBeTruthy();
    const records = await recordsOf(request_id!);
    const first = records.find((record) => record.attempt === 1);
    expect(first?.decision, 'the first attempt carries the decision').toBeDefined();
    const decision = first!.decision!;
    expect(decision.plan[0]).toBe(channel);
    expect(decision.candidates.map((entry) => entry.channel_id)).toContain(channel);
    expect(decision.total_candidates).toBe(2);
    expect(decision.candidates.reduce((sum, entry) => sum + entry.probability, 0)).toBeLessThanOrEqual(1 + 1e-9);
    expect(decision.reason).not.toBe('');
    expect(decision.mode).toBe('balanced');
    for (const record of records) if (record.attempt !== 1) expect(record.decision).toBeUndefined();
  });
});

