// GET /metrics on a real analytics node: the exposition parsed back strictly, exact counters
// after ingesting known records (duplicates and refused batches included), cumulative
// histogram buckets, the auth matrix, and hostile channel ids escaped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsNode, type AnalyticsNode } from '../app';
import { TEST_SECRET, ingestRequest, makeRecord, temporaryDirectory } from '../test-support';
import { parseExposition, sampleValue, type ParsedFamily } from './exposition-parser';
import { createTelemetry } from './telemetry';
import { WORKER_LOSSES_HEADER, formatLosses } from '../../worker/logs/shipper';

const ADMIN_KEY = 'metrics-test-admin-key';
const METRICS_TOKEN = 'metrics-test-scrape-token';
const HOSTILE = 'evil"chan\nnel\\x';
const END = 1_800_000_000_000;

let clock = END + 10_000;
let node: AnalyticsNode;
const temporary = temporaryDirectory();
const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

const records = [
  // req-a: a 503 on acme-east, then beta-west answered.
  makeRecord({ request_id: 'req-a', attempt: 1, channel_id: 'acme-east', status: 503, error_class: 'server', error_message: 'overloaded', ttft_ms: null, duration_ms: 30, input_tokens: 0, output_tokens: 0, cost_usd: 0, price_usd: 0, final: false, ts_end: END }),
  makeRecord({ request_id: 'req-a', attempt: 2, channel_id: 'beta-west', ttft_ms: 200, duration_ms: 1000, input_tokens: 100, output_tokens: 80, cost_usd: 0.25, price_usd: 0.5, ts_end: END + 1000 }),
  // req-b: a hedged success on acme-east (TTFT 1.2 s, 2.5 s long: on a bucket bound, counted in it).
  makeRecord({ request_id: 'req-b', channel_id: 'acme-east', ttft_ms: 1200, duration_ms: 2500, input_tokens: 1000, output_tokens: 10, cached_input_tokens: 600, cache_write_tokens: 100, reasoning_tokens: 4, cost_usd: 0.125, price_usd: 0.5, hedge: 'primary', ts_end: END }),
  // req-c: a client error, final, on acme-east.
  makeRecord({ request_id: 'req-c', channel_id: 'acme-east', status: 400, error_class: 'client', error_message: 'bad', ttft_ms: null, duration_ms: 50, input_tokens: 0, output_tokens: 0, cost_usd: 0, price_usd: 0, ts_end: END }),
  makeRecord({ request_id: 'req-d', channel_id: HOSTILE, model: 'm"\\\n', ts_end: END }),
];

async function scrape(): Promise<{ text: string; families: Map<string, ParsedFamily> }> {
  const response = await node.app.request('/metrics', bearer(ADMIN_KEY));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  return { text, families: parseExposition(text) };
}

beforeAll(async () => {
  process.env.METRICS_TOKEN = METRICS_TOKEN;
  node = await createAnalyticsNode({ dbPath: temporary.dbPath, internalSecret: TEST_SECRET, adminKey: ADMIN_KEY, now: () => clock });
  delete process.env.METRICS_TOKEN;
  expect((await node.app.request('/ingest', ingestRequest(records.slice(0, 3)))).status).toBe(200);
  expect((await node.app.request('/ingest', ingestRequest(records.slice(1)))).status).toBe(200); // req-a attempt 2 and req-b again: duplicates
  expect((await node.app.request('/ingest', ingestRequest('{"records":[{"attempt":0}]}'))).status).toBe(400);
  expect((await node.app.request('/ingest', ingestRequest([records[0]], 'wrong-secret'))).status).toBe(401);
  // The worker's losses ride on its batches (worker/logs/shipper.ts): counted on an accepted
  // batch, ignored when malformed.
  const withLosses = (losses: string) => {
    const request = ingestRequest([records[1]]);
    return { ...request, headers: { ...(request.headers as Record<string, string>), [WORKER_LOSSES_HEADER]: losses } };
  };
  expect((await node.app.request('/ingest', withLosses(formatLosses({ dropped: 7, failed_batches: 2 })))).status).toBe(200);
  expect((await node.app.request('/ingest', withLosses('dropped=-1;failed_batches=x'))).status).toBe(200);
});

afterAll(async () => {
  await node.stop();
  temporary.remove();
});

describe('GET /metrics', () => {
  it('answers the admin key, the internal secret and the scrape token; refuses anything else with a 401 and no data', async () => {
    for (const key of [ADMIN_KEY, TEST_SECRET, METRICS_TOKEN]) expect((await node.app.request('/metrics', bearer(key))).status, key).toBe(200);
    for (const init of [{}, bearer('wrong'), bearer(`${METRICS_TOKEN}x`), { headers: { authorization: METRICS_TOKEN } }]) {
      const response = await node.app.request('/metrics', init);
      expect(response.status).toBe(401);
      expect(await response.text()).not.toMatch(/switchboard_|acme-east/);
    }
    // The scrape token opens /metrics only.
    expect((await node.app.request('/stats?window=600', bearer(METRICS_TOKEN))).status).toBe(401);
  });

  it('counts each stored record once, per channel and model, by status and error class', async () => {
    const { families } = await scrape();
    const acme = { channel: 'acme-east', model: 'gpt-4o-mini' };
    const beta = { channel: 'beta-west', model: 'gpt-4o-mini' };
    expect(sampleValue(families, 'switchboard_attempts_total', { ...acme, status_class: '5xx', error_class: 'server' })).toBe(1);
    expect(sampleValue(families, 'switchboard_attempts_total', { ...acme, status_class: '2xx', error_class: 'none' })).toBe(1);
    expect(sampleValue(families, 'switchboard_attempts_total', { ...acme, status_class: '4xx', error_class: 'client' })).toBe(1);
    expect(sampleValue(families, 'switchboard_attempts_total', { ...beta, status_class: '2xx', error_class: 'none' })).toBe(1);
    expect(sampleValue(families, 'switchboard_requests_total', { ...acme, status_class: '5xx', error_class: 'server' })).toBeUndefined();
    expect(sampleValue(families, 'switchboard_requests_total', { ...acme, status_class: '2xx', error_class: 'none' })).toBe(1);
    expect(sampleValue(families, 'switchboard_requests_total', { ...acme, status_class: '4xx', error_class: 'client' })).toBe(1);
    expect(sampleValue(families, 'switchboard_requests_total', { ...beta, status_class: '2xx', error_class: 'none' })).toBe(1);
    expect(sampleValue(families, 'switchboard_hedged_attempts_total', { ...acme, role: 'primary' })).toBe(1);
    expect(sampleValue(families, 'switchboard_tokens_total', { ...acme, kind: 'input' })).toBe(1000);
    expect(sampleValue(families, 'switchboard_tokens_total', { ...acme, kind: 'cached_input' })).toBe(600);
    expect(sampleValue(families, 'switchboard_tokens_total', { ...acme, kind: 'cache_write' })).toBe(100);
    expect(sampleValue(families, 'switchboard_tokens_total', { ...acme, kind: 'reasoning' })).toBe(4);
    expect(sampleValue(families, 'switchboard_tokens_total', { ...beta, kind: 'output' })).toBe(80);
    expect(sampleValue(families, 'switchboard_cost_usd_total', acme)).toBe(0.125);
    expect(sampleValue(families, 'switchboard_price_usd_total', acme)).toBe(0.5);
    expect(sampleValue(families, 'switchboard_price_usd_total', beta)).toBe(0.5);
  });

  it('renders TTFT and duration as cumulative histograms with +Inf equal to the count', async () => {
    const { families } = await scrape();
    const acme = { channel: 'acme-east', model: 'gpt-4o-mini' };
    expect(sampleValue(families, 'switchboard_ttft_seconds_count', acme)).toBe(1);
    expect(sampleValue(families, 'switchboard_ttft_seconds_sum', acme)).toBe(1.2);
    expect(sampleValue(families, 'switchboard_ttft_seconds_bucket', { ...acme, le: '1' })).toBe(0);
    expect(sampleValue(families, 'switchboard_ttft_seconds_bucket', { ...acme, le: '1.5' })).toBe(1);
    expect(sampleValue(families, 'switchboard_attempt_duration_seconds_count', acme)).toBe(3);
    expect(sampleValue(families, 'switchboard_attempt_duration_seconds_bucket', { ...acme, le: '0.1' })).toBe(2);
    expect(sampleValue(families, 'switchboard_attempt_duration_seconds_bucket', { ...acme, le: '1' })).toBe(2);
    expect(sampleValue(families, 'switchboard_attempt_duration_seconds_bucket', { ...acme, le: '2.5' })).toBe(3);
    for (const name of ['switchboard_ttft_seconds', 'switchboard_attempt_duration_seconds']) {
      const family = families.get(name)!;
      expect(family.type).toBe('histogram');
      const bySeries = new Map<string, number[]>();
      for (const sample of family.samples.filter((sample) => sample.name === `${name}_bucket`)) {
        const { le, ...rest } = sample.labels;
        const key = JSON.stringify(rest);
        bySeries.set(key, [...(bySeries.get(key) ?? []), sample.value]);
        if (le === '+Inf') expect(sample.value).toBe(sampleValue(families, `${name}_count`, rest));
      }
      expect(bySeries.size).toBeGreaterThanOrEqual(2);
      for (const counts of bySeries.values()) expect(counts).toEqual([...counts].sort((a, b) => a - b));
    }
  });

  it('counts ingest batches, duplicates and refusals, and shows the score table and the store', async () => {
    const table = await node.recomputeScores();
    clock += 5_000;
    const { families } = await scrape();
    expect(sampleValue(families, 'switchboard_ingest_batches_total')).toBe(4);
    expect(sampleValue(families, 'switchboard_ingest_records_total')).toBe(5);
    expect(sampleValue(families, 'switchboard_ingest_duplicates_total')).toBe(4);
    expect(sampleValue(families, 'switchboard_worker_log_records_dropped_total')).toBe(7);
    expect(sampleValue(families, 'switchboard_worker_log_batches_failed_total')).toBe(2);
    expect(sampleValue(families, 'switchboard_ingest_errors_total', { status: '400' })).toBe(1);
    expect(sampleValue(families, 'switchboard_ingest_errors_total', { status: '401' })).toBe(1);
    expect(sampleValue(families, 'switchboard_log_store_rows')).toBe(5);
    expect(sampleValue(families, 'switchboard_score_version')).toBe(table.version);
    expect(sampleValue(families, 'switchboard_score_age_seconds')).toBe(5);
    expect(sampleValue(families, 'switchboard_otlp_enabled')).toBe(0);
  });

  it('escapes quotes, line feeds and backslashes in label values', async () => {
    const { text, families } = await scrape();
    expect(text).toContain('channel="evil\\"chan\\nnel\\\\x",model="m\\"\\\\\\n"');
    expect(sampleValue(families, 'switchboard_attempts_total', { channel: HOSTILE, model: 'm"\\\n', status_class: '2xx', error_class: 'none' })).toBe(1);
  });
});

describe('the scrape token', () => {
  it('opens nothing when METRICS_TOKEN is unset or empty', async () => {
    for (const environment of [{}, { METRICS_TOKEN: '' }]) {
      const telemetry = createTelemetry({ identify: async () => null, store: { rowCount: () => 0 }, currentScores: () => ({ version: 0, computed_at: 0 }), environment });
      for (const key of ['', 'x', 'undefined']) expect((await telemetry.routes.request('/metrics', bearer(key))).status).toBe(401);
      await telemetry.stop();
    }
  });
});
