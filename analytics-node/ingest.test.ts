import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAnalyticsNode, type AnalyticsNode } from './app';
import { MAX_INGEST_BYTES } from './ingest-route';
import { TEST_SECRET, ingestRequest, makeRecord, temporaryDirectory } from './test-support';

const NOW = 1_800_000_000_000;
let node: AnalyticsNode;
let temporary: ReturnType<typeof temporaryDirectory>;

beforeEach(async () => {
  temporary = temporaryDirectory();
  node = await createAnalyticsNode({ dbPath: temporary.dbPath, internalSecret: TEST_SECRET, now: () => NOW });
});
afterEach(async () => {
  await node.stop();
  temporary.remove();
});

async function storedRows(): Promise<number> {
  const response = await node.app.request('/health');
  return ((await response.json()) as { rows: number }).rows;
}

async function windowRequests(): Promise<number> {
  const table = await node.recomputeScores();
  return table.entries.reduce((sum, entry) => sum + entry.samples, 0);
}

describe('POST /ingest authentication', () => {
  it.each([
    ['no header', null],
    ['a wrong secret', 'not-the-secret'],
    ['a prefix of the secret', TEST_SECRET.slice(0, -1)],
  ])('answers 401 to %s and stores nothing', async (_, secret) => {
    const response = await node.app.request('/ingest', ingestRequest([makeRecord()], secret));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { message: 'Missing or invalid credentials.', type: 'authentication_error', param: null, code: null } });
    expect(await storedRows()).toBe(0);
    expect(await windowRequests()).toBe(0);
  });

  it('refuses a non-Bearer scheme', async () => {
    const response = await node.app.request('/ingest', {
      method: 'POST',
      headers: { authorization: `Basic ${TEST_SECRET}` },
      body: JSON.stringify({ records: [makeRecord()] }),
    });
    expect(response.status).toBe(401);
  });
});

describe('POST /ingest validation', () => {
  it('answers 400 to a body that is not JSON', async () => {
    const response = await node.app.request('/ingest', ingestRequest('{"records": ['));
    expect(response.status).toBe(400);
    expect(await storedRows()).toBe(0);
  });

  it.each([
    ['a missing records array', { rows: [] }, 'records'],
    ['a string where a number belongs', { records: [makeRecord(), { ...makeRecord(), ttft_ms: '12' }] }, 'records[1].ttft_ms'],
    ['a missing field', { records: [{ ...makeRecord(), channel_id: undefined }] }, 'records[0].channel_id'],
    ['an unknown error class', { records: [{ ...makeRecord(), error_class: 'oops' }] }, 'records[0].error_class'],
    ['a fractional attempt', { records: [{ ...makeRecord(), attempt: 1.5 }] }, 'records[0].attempt'],
    ['negative tokens', { records: [{ ...makeRecord(), output_tokens: -1 }] }, 'records[0].output_tokens'],
  ])('answers 400 naming the path for %s, storing nothing', async (_, body, path) => {
    const response = await node.app.request('/ingest', ingestRequest(JSON.stringify(body)));
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; path: string };
    expect(answer.path).toBe(path);
    expect(answer.error).toContain(path);
    expect(await storedRows()).toBe(0);
    expect(await windowRequests()).toBe(0);
  });

  it('answers 413 over 10 MB and stores nothing', async () => {
    const record = makeRecord({ error_message: 'x'.repeat(1000) });
    const count = Math.ceil(MAX_INGEST_BYTES / JSON.stringify(record).length) + 10;
    const records = Array.from({ length: count }, (_, index) => ({ ...record, request_id: `r${index}` }));
    const response = await node.app.request('/ingest', ingestRequest(records));
    expect(response.status).toBe(413);
    expect(await storedRows()).toBe(0);
  });
});

describe('POST /ingest storage', () => {
  it('stores every field of every record as sent', async () => {
    const records = [
      makeRecord(),
      makeRecord({
        request_id: 'req-2',
        attempt: 2,
        stream: false,
        ttft_ms: null,
        status: 0,
        error_class: 'connection',
        error_message: 'ECONNREFUSED',
        client_protocol: 'anthropic',
        dialect: 'gemini',
        usage_estimated: true,
        price_usd: 0,
        final: false,
      }),
    ];
    const response = await node.app.request('/ingest', ingestRequest(records));
    expect(await response.json()).toEqual({ accepted: 2, duplicates: 0 });
    await node.stop();
    const { openLogStore } = await import('./log-store');
    const store = await openLogStore(temporary.dbPath);
    const rows = await store.query(
      'SELECT * REPLACE (ts_start::DOUBLE AS ts_start, ts_end::DOUBLE AS ts_end) FROM log ORDER BY request_id',
    );
    await store.close();
    expect(rows).toEqual(records);
    node = await createAnalyticsNode({ dbPath: temporary.dbPath, internalSecret: TEST_SECRET, now: () => NOW });
  });

  it('is idempotent on (request_id, attempt): a replayed batch adds nothing', async () => {
    const batch = Array.from({ length: 50 }, (_, index) =>
      makeRecord({ request_id: `req-${index}`, ts_end: NOW - index * 100 }),
    );
    const first = await node.app.request('/ingest', ingestRequest(batch));
    expect(await first.json()).toEqual({ accepted: 50, duplicates: 0 });
    const replay = await node.app.request('/ingest', ingestRequest(batch));
    expect(await replay.json()).toEqual({ accepted: 0, duplicates: 50 });
    expect(await storedRows()).toBe(50);
    expect(await windowRequests()).toBe(50);
  });

  it('stores the new part of a partly replayed batch and dedupes inside a batch', async () => {
    const old = [makeRecord({ request_id: 'a' }), makeRecord({ request_id: 'b' })];
    await node.app.request('/ingest', ingestRequest(old));
    const mixed = [
      ...old,
      makeRecord({ request_id: 'a', attempt: 2 }),
      makeRecord({ request_id: 'c' }),
      makeRecord({ request_id: 'c' }),
    ];
    const response = await node.app.request('/ingest', ingestRequest(mixed));
    expect(await response.json()).toEqual({ accepted: 2, duplicates: 3 });
    expect(await storedRows()).toBe(4);
    expect(await windowRequests()).toBe(4);
  });

  it('dedupes concurrent replays of the same batch', async () => {
    const batch = Array.from({ length: 20 }, (_, index) => makeRecord({ request_id: `req-${index}` }));
    const answers = await Promise.all(
      [1, 2, 3].map(async () => (await node.app.request('/ingest', ingestRequest(batch))).json()),
    );
    expect(answers.map((answer) => (answer as { accepted: number }).accepted).sort()).toEqual([0, 0, 20]);
    expect(await storedRows()).toBe(20);
  });

  it('accepts an empty batch', async () => {
    const response = await node.app.request('/ingest', ingestRequest([]));
    expect(await response.json()).toEqual({ accepted: 0, duplicates: 0 });
  });
});
