import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsNode, type AnalyticsNode } from './app';
import { TTFT_HISTOGRAM, bucketOf, bucketSql } from './histogram';
import { openLogStore } from './log-store';
import type { ChannelStats, UsageRow } from './queries';
import { TEST_SECRET, ingestRequest, makeRecord, temporaryDirectory } from './test-support';

const NOW = Date.UTC(2027, 0, 15, 12, 0, 0);
const DAY = 86_400_000;
const authorized = { headers: { authorization: `Bearer ${TEST_SECRET}` } };
let node: AnalyticsNode;
const temporary = temporaryDirectory();

const records = [
  // acme-east: three in the last minute (one failed), one older
  makeRecord({ request_id: 'a1', ts_end: NOW - 1_000, ttft_ms: 100, duration_ms: 1_100, output_tokens: 50 }),
  makeRecord({ request_id: 'a2', ts_end: NOW - 2_000, ttft_ms: 200, duration_ms: 1_200, output_tokens: 100 }),
  makeRecord({
    request_id: 'a3',
    ts_end: NOW - 3_000,
    ttft_ms: 300,
    duration_ms: 1_300,
    output_tokens: 150,
    error_class: 'mid_stream',
    price_usd: 0,
  }),
  makeRecord({ request_id: 'a4', ts_end: NOW - 61_000, ttft_ms: 5_000, cost_usd: 0.5, price_usd: 0.7 }),
  // zeta: one non-streamed answer (no generation speed), another user and key, yesterday's start
  makeRecord({
    request_id: 'z1',
    channel_id: 'zeta',
    model: 'claude-haiku',
    stream: false,
    ts_start: NOW - DAY,
    ts_end: NOW - 500,
    ttft_ms: 500,
    duration_ms: 500,
    user_id: 'user-2',
    key_id: 'key-2',
    cost_usd: 0.01,
    price_usd: 0.03,
    input_tokens: 3_000,
    cached_input_tokens: 1_000,
    cache_write_tokens: 1_200,
    cache_write_1h_tokens: 700,
  }),
  // a failed first attempt of a1: costs nothing billable, not final
  makeRecord({ request_id: 'a1', attempt: 2, ts_end: NOW - 1_500, final: false, error_class: 'server', ttft_ms: null, price_usd: 0, cost_usd: 0 }),
];

beforeAll(async () => {
  node = await createAnalyticsNode({ dbPath: temporary.dbPath, internalSecret: TEST_SECRET, now: () => NOW });
  const response = await node.app.request('/ingest', ingestRequest(records));
  expect(await response.json()).toEqual({ accepted: records.length, duplicates: 0 });
});
afterAll(async () => {
  await node.stop();
  temporary.remove();
});

describe('GET /stats', () => {
  it('aggregates the last minute per channel and model', async () => {
    const response = await node.app.request('/stats?window=60', authorized);
    expect(response.status).toBe(200);
    const stats = (await response.json()) as ChannelStats[];
    expect(stats.map((row) => [row.channel, row.model])).toEqual([
      ['acme-east', 'gpt-4o-mini'],
      ['zeta', 'claude-haiku'],
    ]);
    const [acme, zeta] = stats;
    // a1 (two attempts), a2, a3
    expect(acme).toMatchObject({ requests: 4, errors: 2, ttft_p50_ms: 200, ttft_p95_ms: 300, tokens_per_s: 100 });
    expect(acme!.cost_usd).toBeCloseTo(0.003, 12);
    expect(acme!.revenue_usd).toBeCloseTo(0.004, 12);
    expect(zeta).toMatchObject({ requests: 1, errors: 0, ttft_p50_ms: 500, ttft_p95_ms: 500, tokens_per_s: null });
    expect(zeta).toMatchObject({ cached_input_tokens: 1_000, cache_write_tokens: 1_200, cache_write_1h_tokens: 700 });
    expect(acme).toMatchObject({ cached_input_tokens: 0, cache_write_tokens: 0, cache_write_1h_tokens: 0 });
  });

  it('widens with the window', async () => {
    const stats = (await (await node.app.request('/stats?window=300', authorized)).json()) as ChannelStats[];
    expect(stats[0]).toMatchObject({ requests: 5 });
    expect(stats[0]!.cost_usd).toBeCloseTo(0.503, 12);
  });

  it.each(['0', '86401', 'abc', '1.5'])('answers 400 to window=%s', async (window) => {
    const response = await node.app.request(`/stats?window=${window}`, authorized);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { path: string }).path).toBe('window');
  });
});

describe('GET /usage', () => {
  it('needs the internal secret', async () => {
    expect((await node.app.request('/usage')).status).toBe(401);
  });

  it('sums per UTC day and model, tokens of final attempts only', async () => {
    const response = await node.app.request(`/usage?from=${NOW - 3 * DAY}&to=${NOW + DAY}`, authorized);
    const rows = (await response.json()) as UsageRow[];
    expect(rows.map((row) => [row.day, row.model, row.requests])).toEqual([
      ['2027-01-14', 'claude-haiku', 1],
      ['2027-01-15', 'gpt-4o-mini', 4],
    ]);
    expect(rows[1]).toMatchObject({ input_tokens: 400, output_tokens: 80 + 50 + 100 + 150 });
    expect(rows[0]).toMatchObject({ input_tokens: 3_000, cached_input_tokens: 1_000, cache_write_tokens: 1_200, cache_write_1h_tokens: 700 });
    expect(rows[1]!.cost_usd).toBeCloseTo(0.503, 12);
    expect(rows[1]!.revenue_usd).toBeCloseTo(0.704, 12);
  });

  it('filters by user and key, and takes ISO dates', async () => {
    const byUser = (await (await node.app.request('/usage?user=user-2', authorized)).json()) as UsageRow[];
    expect(byUser.map((row) => row.model)).toEqual(['claude-haiku']);
    const byKey = (await (await node.app.request('/usage?key=key-1&from=2027-01-15&to=2027-01-15', authorized)).json()) as UsageRow[];
    expect(byKey.map((row) => [row.day, row.requests])).toEqual([['2027-01-15', 4]]);
  });

  it.each(['from=yesterday', 'from=2027-01-15&to=2027-01-01', 'color=blue'])('answers 400 to %s', async (query) => {
    expect((await node.app.request(`/usage?${query}`, authorized)).status).toBe(400);
  });
});

describe('GET /requests/:request_id', () => {
  it('needs the internal secret', async () => {
    expect((await node.app.request('/requests/a1')).status).toBe(401);
  });

  it('answers every attempt of the request, first first, with every field as logged', async () => {
    const response = await node.app.request('/requests/a1', authorized);
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { records: unknown[] };
    expect(answer.records).toEqual(records.filter((record) => record.request_id === 'a1').sort((a, b) => a.attempt - b.attempt));
    const z1 = (await (await node.app.request('/requests/z1', authorized)).json()) as { records: unknown[] };
    expect(z1.records).toEqual([records.find((record) => record.request_id === 'z1')]);
  });

  it('answers 404 for a request it never saw', async () => {
    expect((await node.app.request('/requests/nope', authorized)).status).toBe(404);
  });
});

describe('GET /health and unknown routes', () => {
  it('reports the row count and the last ingest', async () => {
    expect(await (await node.app.request('/health')).json()).toEqual({ ok: true, rows: 6, last_ingest: NOW });
  });

  it('answers unknown API routes with a JSON 404 (other pages are the console: console/static-files.test.ts)', async () => {
    const response = await node.app.request('/api/nope', authorized);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: unknown }).error).toBeTruthy();
  });
});

describe('histogram buckets in SQL', () => {
  it('match the in-memory bucket function', async () => {
    const values = [0, 0.5, 1, 1.04, 2, 17, 99.9, 100, 1234.5, 65_000, 599_999, 1e9];
    const scratch = temporaryDirectory();
    const store = await openLogStore(scratch.dbPath);
    const rows = await store.query<{ bucket: number }>(
      `SELECT ${bucketSql('v', TTFT_HISTOGRAM)} AS bucket FROM (SELECT unnest($1::DOUBLE[]) AS v, generate_subscripts($1::DOUBLE[], 1) AS i) ORDER BY i`,
      [JSON.stringify(values)],
    );
    await store.close();
    scratch.remove();
    expect(rows.map((row) => row.bucket)).toEqual(values.map((value) => bucketOf(value, TTFT_HISTOGRAM)));
  });
});
