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
      makeRecord({ conversation: null, cache_state: null, hedge: null }),
      makeRecord({
        request_id: 'req-2',
        conversation: '9f86d081884c7d65',
        cache_state: 'warm',
        hedge: 'hedge',
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

describe('POST /ingest decisions', () => {
  const decision = {
    mode: 'balanced',
    rule: 'sample' as const,
    temperature: 0.2,
    exploration: 0.05,
    weights: { margin: 0.4, ttft: 0.3, throughput: 0.1, reliability: 0.2 },
    score_version: 7,
    total_candidates: 2,
    candidates: [
      { channel_id: 'acme-east', model: 'gpt-4o-mini', components: { margin: 0.5, ttft: 0.9, throughput: 0.7, reliability: 1, load: 0.1 }, utility: 0.81, probability: 0.62 },
      { channel_id: 'acme-west', model: 'gpt-4o-mini', utility: 0, probability: 0, rejected: 'down' },
    ],
    plan: ['acme-east', 'acme-west'],
    reason: 'sampled p=.62, highest utility .81',
  };

  /** Reads the file as the node left it (the node owns it while running: one instance per file). */
  async function readFile<Row>(sql: string): Promise<Row[]> {
    await node.stop();
    const { openLogStore } = await import('./log-store');
    const store = await openLogStore(temporary.dbPath);
    const rows = await store.query<Row>(sql);
    await store.close();
    node = await createAnalyticsNode({ dbPath: temporary.dbPath, internalSecret: TEST_SECRET, now: () => NOW });
    return rows;
  }

  it('stores the first attempt\'s decision in `decisions`, once, and keeps `log` narrow', async () => {
    const batch = [
      makeRecord({ request_id: 'd-1', ts_start: NOW - 500, user_id: 'u', key_id: 'k', decision: { ...decision, extra: 'stripped' } as never }),
      makeRecord({ request_id: 'd-1', attempt: 2 }),
    ];
    expect(await (await node.app.request('/ingest', ingestRequest(batch))).json()).toEqual({ accepted: 2, duplicates: 0 });
    expect(await (await node.app.request('/ingest', ingestRequest(batch))).json()).toEqual({ accepted: 0, duplicates: 2 });
    const rows = await readFile(
      `SELECT request_id, ts::DOUBLE AS ts, user_id, key_id, model, mode, rule, temperature, exploration, weights::VARCHAR AS weights,
         score_version::DOUBLE AS score_version, total_candidates, candidates::VARCHAR AS candidates, plan::VARCHAR AS plan, reason FROM decisions`,
    );
    expect(rows).toEqual([
      {
        request_id: 'd-1', ts: NOW - 500, user_id: 'u', key_id: 'k', model: 'gpt-4o-mini', mode: 'balanced', rule: 'sample',
        temperature: 0.2, exploration: 0.05, weights: JSON.stringify(decision.weights), score_version: 7, total_candidates: 2,
        candidates: JSON.stringify(decision.candidates), plan: JSON.stringify(decision.plan), reason: decision.reason,
      },
    ]);
    const columns = await readFile<{ column_name: string }>("SELECT column_name FROM duckdb_columns() WHERE table_name = 'log'");
    expect(columns.map((column) => column.column_name)).not.toContain('decision');
  });

  it.each([
    ['17 candidates', { candidates: Array.from({ length: 17 }, () => decision.candidates[1]) }, 'records[1].decision.candidates'],
    ['a reason over 256 characters', { reason: 'x'.repeat(257) }, 'records[1].decision.reason'],
    ['an unknown rule', { rule: 'guess' }, 'records[1].decision.rule'],
  ])('answers 400 to a decision with %s, storing nothing', async (_, change, path) => {
    const batch = [makeRecord({ request_id: 'ok' }), makeRecord({ request_id: 'bad', decision: { ...decision, ...change } as never })];
    const response = await node.app.request('/ingest', ingestRequest(batch));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { path: string }).path).toBe(path);
    expect(await storedRows()).toBe(0);
    expect(await readFile('SELECT * FROM decisions')).toEqual([]);
  });
});
