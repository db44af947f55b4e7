// A lone node (no cluster: scores from its in-memory rollups) learns cache behaviour and load
// from what it ingests, and the table it pushes to the worker carries them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreTable } from '../worker/core/types';
import { createAnalyticsNode } from './app';
import { TEST_SECRET, ingestRequest, makeRecord, temporaryDirectory } from './test-support';

const NOW = 1_800_000_000_000;
const pushed: ScoreTable[] = [];
let server: Server;
let workerUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/internal/scores') pushed.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScoreTable);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  workerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('a lone node scores cache behaviour and load from its rollups', () => {
  it('pushes cache_hit_rate, cached_ttft_p50_ms and in_flight', async () => {
    const folder = temporaryDirectory();
    const node = await createAnalyticsNode({ dbPath: folder.dbPath, internalSecret: TEST_SECRET, workerUrl, now: () => NOW });
    try {
      // 20 warm attempts, 15 of which read the cache (TTFT 100 ms against 400 ms uncached),
      // each busy for 2 s of the last 10 s: 20 × 2 s / 10 s = 4 in flight.
      const records = Array.from({ length: 20 }, (_, index) => {
        const hit = index < 15;
        return makeRecord({
          request_id: `warm-${index}`,
          ts_end: NOW - 1_000 - index,
          ts_start: NOW - 3_000 - index,
          ttft_ms: hit ? 100 : 400,
          cached_input_tokens: hit ? 800 : 0,
          cache_state: 'warm',
        });
      });
      expect((await node.app.request('/ingest', ingestRequest(records))).status).toBe(200);
      node.start();
      await expect.poll(() => pushed.length, { timeout: 5_000 }).toBeGreaterThan(0);
      const [entry] = pushed.at(-1)!.entries;
      expect(entry).toMatchObject({ channel_id: 'acme-east', samples: 20, cache_hit_rate: 0.75, in_flight: 4 });
      expect(entry!.cached_ttft_p50_ms! / 100).toBeCloseTo(1, 1);
      expect(entry!.ttft_p90_ms! / 400).toBeCloseTo(1, 1);
    } finally {
      await node.stop();
      folder.remove();
    }
  });
});
