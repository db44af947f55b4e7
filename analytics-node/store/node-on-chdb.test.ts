// The analytics node on ClickHouse (chdb): the documented HTTP interface answers the same
// as on DuckDB — /ingest idempotent, /stats, /usage, /requests/{id} and the score table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAnalyticsNode, type AnalyticsNode } from '../app';
import { TEST_SECRET, ingestRequest, makeRecord } from '../test-support';

const NOW = 1_800_000_000_000;
const folder = mkdtempSync(path.join(tmpdir(), 'node-on-chdb-'));
const nodes: AnalyticsNode[] = [];
afterAll(async () => {
  for (const node of nodes) await node.stop();
  rmSync(folder, { recursive: true, force: true });
});
const authorized = { headers: { authorization: `Bearer ${TEST_SECRET}` } };

describe.each(['duckdb', 'chdb'])('the analytics node on %s', (engine) => {
  it('ingests once and answers /stats, /usage, /requests and the scores from the store', async () => {
    const dbPath = engine === 'duckdb' ? path.join(folder, 'node.duckdb') : `chdb:${path.join(folder, 'chdb')}?database=node`;
    const node = await createAnalyticsNode({ dbPath, internalSecret: TEST_SECRET, now: () => NOW });
    nodes.push(node);
    const records = [
      makeRecord({ request_id: 'q1', ts_end: NOW - 2_000, ts_start: NOW - 3_000, conversation: 'abc', cache_state: 'warm', hedge: 'primary' }),
      makeRecord({ request_id: 'q1', attempt: 2, ts_end: NOW - 1_000, ts_start: NOW - 1_900, channel_id: 'other', hedge: 'hedge', final: false, price_usd: 0 }),
      makeRecord({ request_id: 'q2', ts_end: NOW - 500, ts_start: NOW - 900, error_class: 'server', status: 502, ttft_ms: null, price_usd: 0, final: true }),
    ];
    expect(await (await node.app.request('/ingest', ingestRequest(records))).json()).toEqual({ accepted: 3, duplicates: 0 });
    expect(await (await node.app.request('/ingest', ingestRequest(records))).json()).toEqual({ accepted: 0, duplicates: 3 });

    const stats = (await (await node.app.request('/stats?window=60', authorized)).json()) as Array<{ channel: string; requests: number; errors: number; revenue_usd: number }>;
    expect(stats.map(({ channel, requests, errors }) => ({ channel, requests, errors }))).toEqual([
      { channel: 'acme-east', requests: 2, errors: 1 },
      { channel: 'other', requests: 1, errors: 0 },
    ]);
    const usage = (await (await node.app.request(`/usage?from=${NOW - 86_400_000}&to=${NOW + 1}`, authorized)).json()) as Array<{ day: string; requests: number }>;
    expect(usage.map(({ day, requests }) => ({ day, requests }))).toEqual([{ day: '2027-01-15', requests: 2 }]);
    const detail = (await (await node.app.request('/requests/q1', authorized)).json()) as { records: unknown[] };
    expect(detail.records).toEqual(records.slice(0, 2));
    const table = await node.recomputeScores();
    expect(table.entries.map((entry) => entry.channel_id)).toEqual(['acme-east', 'other']);
  });
});
