import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelScore, ScoreTable } from '../worker/core/types';
import { createAnalyticsNode, type AnalyticsNode } from './app';
import { TEST_SECRET, ingestRequest, makeRecord, temporaryDirectory } from './test-support';

const NOW = 1_800_000_000_000;
let clock = NOW;
const temporaries: ReturnType<typeof temporaryDirectory>[] = [];
const nodes: AnalyticsNode[] = [];

async function startNode(options: { dbPath?: string; workerUrl?: string } = {}): Promise<AnalyticsNode> {
  let dbPath = options.dbPath;
  if (dbPath === undefined) {
    const temporary = temporaryDirectory();
    temporaries.push(temporary);
    dbPath = temporary.dbPath;
  }
  const node = await createAnalyticsNode({
    dbPath,
    internalSecret: TEST_SECRET,
    workerUrl: options.workerUrl,
    now: () => clock,
  });
  nodes.push(node);
  return node;
}

afterEach(async () => {
  clock = NOW;
  await Promise.all(nodes.splice(0).map((node) => node.stop()));
  for (const temporary of temporaries.splice(0)) temporary.remove();
});

function entryOf(table: ScoreTable, channel: string): ChannelScore {
  const entry = table.entries.find((candidate) => candidate.channel_id === channel);
  if (entry === undefined) throw new Error(`no score for ${channel}`);
  return entry;
}

/** Healthy traffic on both channels for a minute, then `broken` fails its newest attempts. */
function trafficWithOutage(broken: string, healthy: string) {
  const records = [];
  for (let index = 0; index < 60; index++) {
    for (const channel of [broken, healthy]) {
      records.push(makeRecord({ request_id: `${channel}-${index}`, channel_id: channel, ts_end: NOW - 70_000 + index * 1000 }));
    }
  }
  for (let index = 0; index < 10; index++) {
    records.push(
      makeRecord({
        request_id: `${broken}-down-${index}`,
        channel_id: broken,
        ts_end: NOW - 5_000 + index * 100,
        status: 0,
        error_class: 'connection',
        ttft_ms: null,
        price_usd: 0,
      }),
    );
  }
  return records;
}

describe('score table', () => {
  it('exists before the first tick, with a version, time and window', async () => {
    const node = await startNode();
    const response = await node.app.request('/scores', { headers: { authorization: `Bearer ${TEST_SECRET}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ version: NOW, computed_at: NOW, window_s: 300, entries: [] });
  });

  it('marks a channel whose newest attempts all failed as down, and only that one', async () => {
    const node = await startNode();
    await node.app.request('/ingest', ingestRequest(trafficWithOutage('flaky', 'steady')));
    const table = await node.recomputeScores();
    expect(entryOf(table, 'flaky')).toMatchObject({ down: true, samples: 70 });
    expect(entryOf(table, 'flaky').error_mix.connection).toBe(1);
    expect(entryOf(table, 'steady')).toMatchObject({ down: false, samples: 60 });
    expect(entryOf(table, 'flaky').success_p).toBeLessThan(entryOf(table, 'steady').success_p);
    expect(await (await node.app.request('/scores', { headers: { authorization: `Bearer ${TEST_SECRET}` } })).json()).toEqual(table);
  });

  it('keeps versions increasing even when the clock stands still', async () => {
    const node = await startNode();
    const first = await node.recomputeScores();
    const second = await node.recomputeScores();
    expect(second.version).toBeGreaterThan(first.version);
  });

  it('drops channels whose traffic left the window', async () => {
    const node = await startNode();
    await node.app.request('/ingest', ingestRequest([makeRecord({ ts_end: NOW - 1_000 })]));
    expect((await node.recomputeScores()).entries).toHaveLength(1);
    clock = NOW + 300_000;
    expect((await node.recomputeScores()).entries).toEqual([]);
  });
});

describe('score push', () => {
  let worker: Server;
  let workerUrl: string;
  const received: { url: string | undefined; headers: IncomingHttpHeaders; body: ScoreTable }[] = [];
  let answerStatus = 204;

  beforeAll(async () => {
    worker = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        received.push({ url: request.url, headers: request.headers, body: JSON.parse(text) as ScoreTable });
        response.writeHead(answerStatus).end();
      });
    });
    await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', resolve));
    workerUrl = `http://127.0.0.1:${(worker.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => worker.close(() => resolve())));

  async function nextPush(count: number): Promise<void> {
    for (let wait = 0; wait < 200 && received.length < count; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('posts the table to the worker with the internal secret', async () => {
    received.length = 0;
    const node = await startNode({ workerUrl });
    await node.app.request('/ingest', ingestRequest(trafficWithOutage('flaky', 'steady')));
    node.start();
    await nextPush(1);
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/internal/scores');
    expect(received[0]!.headers.authorization).toBe(`Bearer ${TEST_SECRET}`);
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.body).toEqual(await (await node.app.request('/scores', { headers: { authorization: `Bearer ${TEST_SECRET}` } })).json());
    expect(entryOf(received[0]!.body, 'flaky').down).toBe(true);
  });

  it('carries on when the worker refuses the push or is unreachable', async () => {
    received.length = 0;
    answerStatus = 503;
    const refused = await startNode({ workerUrl });
    refused.start();
    await nextPush(1);
    answerStatus = 204;
    expect(received).toHaveLength(1);
    const unreachable = await startNode({ workerUrl: 'http://127.0.0.1:9' });
    unreachable.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await unreachable.app.request('/scores', { headers: { authorization: `Bearer ${TEST_SECRET}` } })).status).toBe(200);
    expect((await refused.app.request('/health')).status).toBe(200);
  });
});

describe('restart', () => {
  it('keeps the rows and rebuilds the rollups from the file', async () => {
    const temporary = temporaryDirectory();
    temporaries.push(temporary);
    const first = await startNode({ dbPath: temporary.dbPath });
    const traffic = trafficWithOutage('flaky', 'steady');
    await first.app.request('/ingest', ingestRequest(traffic));
    const before = await first.recomputeScores();
    await first.flush();
    await first.stop();
    nodes.splice(nodes.indexOf(first), 1);

    clock = NOW + 1_000;
    const second = await startNode({ dbPath: temporary.dbPath });
    expect(await (await second.app.request('/health')).json()).toMatchObject({ rows: traffic.length });
    const after = await second.recomputeScores();
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.entries).toEqual(before.entries);
    // the restored node still refuses the old batch
    const replay = await second.app.request('/ingest', ingestRequest(traffic));
    expect(await replay.json()).toEqual({ accepted: 0, duplicates: traffic.length });
  });
});
