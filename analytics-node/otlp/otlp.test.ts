// OTLP traces from a real analytics node to a local OTLP/HTTP receiver: one trace per
// request with ids derived from the request id, attempts under a root span emitted with the
// final attempt, GenAI attributes, no user content. A receiver that fails, hangs or is gone
// costs retries, then drops counted in /metrics; ingest never waits for it.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAnalyticsNode, type AnalyticsNode } from '../app';
import { parseExposition, sampleValue } from '../metrics/exposition-parser';
import { TEST_SECRET, ingestRequest, makeRecord, temporaryDirectory } from '../test-support';
import type { OtlpSpan } from './span-builder';

type Mode = 'ok' | 'unavailable' | 'hang';
interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

let mode: Mode = 'ok';
const received: Received[] = [];
const hanging: ServerResponse[] = [];
let receiver: Server;
let node: AnalyticsNode;
const temporary = temporaryDirectory();
const END = 1_800_000_000_000;
const SECRET_TEXT = 'prompt-text-that-must-not-leave';

async function metrics(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const response = await node.app.request('/metrics', { headers: { authorization: `Bearer ${TEST_SECRET}` } });
  return sampleValue(parseExposition(await response.text()), name, labels);
}

function spans(): OtlpSpan[] {
  return received.flatMap((request) => (JSON.parse(request.body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));
}

const attribute = (span: OtlpSpan, key: string) => span.attributes.find((entry) => entry.key === key)?.value;
const hex = (text: string, from: number, to: number) => createHash('sha256').update(text).digest().subarray(from, to).toString('hex');

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url !== '/otlp/v1/traces' || request.method !== 'POST') return void response.writeHead(404).end();
      if (mode === 'hang') return void hanging.push(response);
      if (mode === 'unavailable') return void response.writeHead(503).end();
      received.push({ headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const environment = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/otlp`,
    OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20trace-vendor-key,x-tenant=switchboard',
    OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
    OTEL_BSP_SCHEDULE_DELAY: '20',
    OTEL_BSP_MAX_QUEUE_SIZE: '6',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '3',
    OTEL_SERVICE_NAME: 'analytics-test',
  };
  Object.assign(process.env, environment);
  node = await createAnalyticsNode({ dbPath: temporary.dbPath, internalSecret: TEST_SECRET });
  for (const name of Object.keys(environment)) delete process.env[name];
});

afterAll(async () => {
  for (const response of hanging) response.destroy();
  await node.stop();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  temporary.remove();
});

describe('OTLP traces', () => {
  it('exports each request as one trace: attempts from different batches under one root span', async () => {
    const first = makeRecord({ request_id: 'req-trace', attempt: 1, channel_id: 'acme-east', status: 503, error_class: 'server', error_message: SECRET_TEXT, ttft_ms: null, duration_ms: 40, ts_start: END - 5_000, ts_end: END - 4_960, final: false, cost_usd: 0, price_usd: 0, key_id: 'key-secret-id' });
    const second = makeRecord({ request_id: 'req-trace', attempt: 2, channel_id: 'beta-west', dialect: 'anthropic', upstream_model: 'claude-x', ts_start: END - 4_900, ts_end: END, input_tokens: 300, output_tokens: 20, cached_input_tokens: 200, cost_usd: 0.25, price_usd: 0.5, hedge: 'hedge', cache_state: 'warm', key_id: 'key-secret-id' });
    expect((await node.app.request('/ingest', ingestRequest([first]))).status).toBe(200);
    await vi.waitFor(() => expect(spans()).toHaveLength(1), { timeout: 5_000 });
    expect((await node.app.request('/ingest', ingestRequest([second]))).status).toBe(200);
    await vi.waitFor(() => expect(spans()).toHaveLength(3), { timeout: 5_000 });

    const traceId = hex('req-trace', 0, 16);
    const rootId = hex('req-trace', 16, 24);
    const all = spans();
    expect(all.every((span) => span.traceId === traceId)).toBe(true);
    const root = all.find((span) => span.spanId === rootId)!;
    const [failed, answered] = [1, 2].map((attempt) => all.find((span) => span.spanId === hex(`req-trace\n${attempt}`, 0, 8))!);
    expect(root.parentSpanId).toBeUndefined();
    expect(root.name).toBe('request gpt-4o-mini');
    expect(root.startTimeUnixNano).toBe(`${END - 5_000}000000`); // the first attempt's start, remembered from the earlier batch
    expect(root.endTimeUnixNano).toBe(`${END}000000`);
    expect(attribute(root, 'switchboard.attempts')).toEqual({ intValue: '2' });
    expect(root.status.code).toBe(0);

    expect(failed!.parentSpanId).toBe(rootId);
    expect(failed!.name).toBe('attempt acme-east');
    expect(failed!.status.code).toBe(2);
    expect(attribute(failed!, 'switchboard.error_class')).toEqual({ stringValue: 'server' });
    expect(attribute(failed!, 'http.response.status_code')).toEqual({ intValue: '503' });

    expect(answered!.parentSpanId).toBe(rootId);
    expect(answered!.startTimeUnixNano).toBe(`${END - 4_900}000000`);
    expect(attribute(answered!, 'gen_ai.system')).toEqual({ stringValue: 'anthropic' });
    expect(attribute(answered!, 'gen_ai.request.model')).toEqual({ stringValue: 'claude-x' });
    expect(attribute(answered!, 'gen_ai.usage.input_tokens')).toEqual({ intValue: '300' });
    expect(attribute(answered!, 'gen_ai.usage.output_tokens')).toEqual({ intValue: '20' });
    expect(attribute(answered!, 'gen_ai.usage.cache_read.input_tokens')).toEqual({ intValue: '200' });
    expect(attribute(answered!, 'switchboard.channel')).toEqual({ stringValue: 'beta-west' });
    expect(attribute(answered!, 'switchboard.cost_usd')).toEqual({ doubleValue: 0.25 });
    expect(attribute(answered!, 'switchboard.price_usd')).toEqual({ doubleValue: 0.5 });
    expect(attribute(answered!, 'switchboard.hedge')).toEqual({ stringValue: 'hedge' });
    expect(attribute(answered!, 'switchboard.cache_state')).toEqual({ stringValue: 'warm' });
    expect(answered!.status.code).toBe(0);

    const request = received[0]!;
    expect(request.headers.authorization).toBe('Bearer trace-vendor-key');
    expect(request.headers['x-tenant']).toBe('switchboard');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body).resourceSpans[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'analytics-test' } });
    for (const { body } of received) expect(body).not.toMatch(new RegExp(`${SECRET_TEXT}|key-secret-id|user-1`));
    // The receiver records a batch before it answers: the count follows the answer.
    await vi.waitFor(async () => expect(await metrics('switchboard_otlp_spans_exported_total')).toBe(3), { timeout: 5_000 });
  });

  it('retries a receiver that answers 503, then drops the batch and counts it', async () => {
    mode = 'unavailable';
    expect((await node.app.request('/ingest', ingestRequest([makeRecord({ request_id: 'req-503', final: false })]))).status).toBe(200);
    await vi.waitFor(async () => expect(await metrics('switchboard_otlp_spans_dropped_total', { reason: 'export_failed' })).toBe(1), { timeout: 5_000 });
    expect(await metrics('switchboard_otlp_export_retries_total')).toBeGreaterThanOrEqual(1);
  });

  it('never makes ingest wait for a receiver that hangs; the bounded queue drops and counts what overflows', async () => {
    mode = 'hang';
    const batch = (prefix: string) => ingestRequest(Array.from({ length: 3 }, (_, index) => makeRecord({ request_id: `${prefix}-${index}`, final: false })));
    expect((await node.app.request('/ingest', batch('hang-a'))).status).toBe(200);
    await vi.waitFor(() => expect(hanging.length).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
    // The export is stuck on the receiver: ingest still answers, and the queue (6 spans) fills.
    for (const prefix of ['hang-b', 'hang-c', 'hang-d']) expect((await node.app.request('/ingest', batch(prefix))).status).toBe(200);
    expect(await metrics('switchboard_otlp_spans_dropped_total', { reason: 'queue_full' })).toBe(3);
    expect(await metrics('switchboard_otlp_queue_spans')).toBe(6);
    expect(await metrics('switchboard_ingest_records_total')).toBe(2 + 1 + 12);
  });

  it('gives up on a receiver that is gone, counting the drops', async () => {
    const droppedBefore = (await metrics('switchboard_otlp_spans_dropped_total', { reason: 'export_failed' }))!;
    for (const response of hanging.splice(0)) response.destroy();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    // Every span of the hung batch and of the queue behind it ends up exported or dropped.
    await vi.waitFor(async () => expect(await metrics('switchboard_otlp_queue_spans')).toBe(0), { timeout: 20_000 });
    await vi.waitFor(async () => expect(await metrics('switchboard_otlp_spans_dropped_total', { reason: 'export_failed' })).toBe(droppedBefore + 9), { timeout: 20_000 });
    expect(await metrics('switchboard_otlp_spans_exported_total')).toBe(3);
  });
});
