// End to end: an analytics node (createAnalyticsNode on a temporary DuckDB file) ingests
// generated traffic and records score history; the replay command then reads it over HTTP
// (GET /replay/*, admin only) and from the file (--db), and prints a row per strategy.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminVerifier } from '../../../analytics-node/admin-verifier';
import { createAnalyticsNode } from '../../../analytics-node/app';
import { openLogStore, type LogStore } from '../../../analytics-node/log-store';
import { readerIdentifier } from '../../../analytics-node/read-auth';
import { attemptPage, logColumns, type ReplayCursor } from '../../../analytics-node/replay/replay-queries';
import { replayRoutes } from '../../../analytics-node/replay/replay-routes';
import { TEST_SECRET, ingestRequest, temporaryDirectory } from '../../../analytics-node/test-support';
import { STRATEGIES } from '../strategies/index';
import { runReplayCommand } from './replay-command';
import { generatedTraffic } from './replay-fixtures';
import { LOGGED_ROW } from './replay-report';

const ADMIN_KEY = 'test-replay-admin-key';
const FROM = 1_800_000_000_000;
const SPAN_MS = 120_000;
const REQUESTS = 400;
const temporary = temporaryDirectory();
const window = `${FROM}..${FROM + SPAN_MS}`;
let store: LogStore | null = null;
let server: ServerType | null = null;
let url = '';

beforeAll(async () => {
  let clock = FROM;
  const node = await createAnalyticsNode({ dbPath: temporary.dbPath, internalSecret: TEST_SECRET, adminKey: ADMIN_KEY, windowS: 60, now: () => clock });
  const records = generatedTraffic(FROM, SPAN_MS, REQUESTS);
  // One more request on one channel only, an hour later: the one-channel window.
  records.push({ ...records.find((record) => record.channel_id === 'cheap-fast' && record.final)!, request_id: 'lonely', attempt: 1, ts_start: FROM + 3_600_000, ts_end: FROM + 3_601_000 });
  for (let index = 0; index < records.length; index += 500) {
    const response = await node.app.request('/ingest', ingestRequest(records.slice(index, index + 500)));
    expect(response.status).toBe(200);
  }
  // Score history as the real router was told it: before the window and during it.
  for (clock = FROM - 5_000; clock < FROM + SPAN_MS; clock += 20_000) await node.recomputeScores();
  await node.flush();
  await node.stop();
  // The replay routes over the node's store, behind the node's own reader identification.
  store = await openLogStore(temporary.dbPath);
  const identify = readerIdentifier({ internalSecret: TEST_SECRET, verify: adminVerifier({ adminKey: ADMIN_KEY }), sessionAdmin: () => null });
  const app = replayRoutes({ store, identify });
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  if (server !== null) await new Promise<void>((resolve) => server!.close(() => resolve()));
  await store?.close();
  temporary.remove();
});

describe('sim:routing --replay over HTTP', () => {
  it('replays the window under every strategy: one row each, every logged request', async () => {
    const result = await runReplayCommand({ window, url, adminKey: ADMIN_KEY });
    if (!result.ok) throw new Error(result.error);
    const { report, description, model } = result.value;
    expect(report.strategies.map((row) => row.name)).toEqual([LOGGED_ROW, ...STRATEGIES.map((strategy) => strategy.name)]);
    for (const row of report.strategies) expect(row.requests).toBe(REQUESTS);
    expect(model.channels.map((channel) => channel.channel_id)).toEqual(['cheap-fast', 'flaky', 'pricey-slow']);
    expect(model.initial_scores.length).toBeGreaterThan(0);
    expect(model.score_versions).toBeGreaterThan(0);
    expect(description).toContain(`replayed: ${REQUESTS} requests`);
    expect(description).toContain('approximated:');
  });

  it('replays a window with one channel', async () => {
    const result = await runReplayCommand({ window: `${FROM + 3_599_000}..${FROM + 3_602_000}`, url, adminKey: ADMIN_KEY, strategies: ['cheapest', 'switchboard:balanced'] });
    if (!result.ok) throw new Error(result.error);
    expect(result.value.model.channels).toHaveLength(1);
    expect(result.value.report.strategies.map((row) => [row.name, row.requests, row.success_rate])).toEqual([
      [LOGGED_ROW, 1, 1], ['cheapest', 1, 1], ['switchboard:balanced', 1, 1],
    ]);
  });

  it('says so for an empty window, garbage FROM..TO, an unknown strategy, a wrong key', async () => {
    const empty = await runReplayCommand({ window: `${FROM - 600_000}..${FROM - 300_000}`, url, adminKey: ADMIN_KEY });
    expect(empty).toEqual({ ok: false, error: expect.stringMatching(/no logged requests between/) });
    const garbage = await runReplayCommand({ window: 'tuesday..later', url, adminKey: ADMIN_KEY });
    expect(garbage).toEqual({ ok: false, error: expect.stringMatching(/--replay: FROM 'tuesday'/) });
    const unknown = await runReplayCommand({ window, url, adminKey: ADMIN_KEY, strategies: ['telepathy'] });
    expect(unknown).toEqual({ ok: false, error: expect.stringMatching(/unknown strategy 'telepathy'/) });
    const refused = await runReplayCommand({ window, url, adminKey: 'wrong' });
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(/refused the admin key/) });
    const unreachable = await runReplayCommand({ window, url: 'http://127.0.0.1:9', adminKey: ADMIN_KEY });
    expect(unreachable).toEqual({ ok: false, error: expect.stringMatching(/cannot reach the analytics node/) });
  });

  it('answers only an admin: not the worker\'s internal secret, not anonymous; and checks the window', async () => {
    const query = `?from=${FROM}&to=${FROM + SPAN_MS}`;
    expect((await fetch(`${url}/replay/attempts${query}`)).status).toBe(401);
    expect((await fetch(`${url}/replay/attempts${query}`, { headers: { authorization: `Bearer ${TEST_SECRET}` } })).status).toBe(401);
    const admin = { headers: { authorization: `Bearer ${ADMIN_KEY}` } };
    expect((await fetch(`${url}/replay/attempts?from=${FROM}&to=${FROM - 1}`, admin)).status).toBe(400);
    expect((await fetch(`${url}/replay/scores?from=x&to=1`, admin)).status).toBe(400);
    const response = await fetch(`${url}/replay/attempts${query}`, admin);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line) as { user_id?: string; request_id: string });
    expect(new Set(lines.map((line) => line.request_id)).size).toBe(REQUESTS);
    // Money and tokens only: who sent it stays in the log.
    expect(lines[0]!.user_id).toBeUndefined();
  });
});

describe('replay queries', () => {
  it('pages through the window in keyset order without losing or repeating an attempt', async () => {
    const columns = await logColumns(store!);
    const whole = await attemptPage(store!, columns, FROM, FROM + SPAN_MS, null, 100_000);
    const paged: string[] = [];
    let cursor: ReplayCursor | null = null;
    do {
      const page = await attemptPage(store!, columns, FROM, FROM + SPAN_MS, cursor, 37);
      paged.push(...page.rows.map((row) => `${row.request_id}/${row.attempt}`));
      cursor = page.next;
    } while (cursor !== null);
    expect(paged).toEqual(whole.rows.map((row) => `${row.request_id}/${row.attempt}`));
    expect(whole.rows.length).toBeGreaterThan(REQUESTS);
  });
});

describe('sim:routing --replay --db', () => {
  it('reads a stopped node\'s DuckDB file directly, to the same requests', async () => {
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = null;
    await store!.close();
    store = null;
    const result = await runReplayCommand({ window, db: temporary.dbPath, strategies: ['round-robin'] });
    if (!result.ok) throw new Error(result.error);
    expect(result.value.report.strategies.map((row) => [row.name, row.requests])).toEqual([[LOGGED_ROW, REQUESTS], ['round-robin', REQUESTS]]);
    const missing = await runReplayCommand({ window, db: `${temporary.directory}/absent/none.duckdb` });
    expect(missing).toEqual({ ok: false, error: expect.stringMatching(/cannot open .* read-only/) });
  });
});
