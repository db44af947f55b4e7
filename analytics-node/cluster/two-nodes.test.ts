// Two analytics nodes side by side over ONE log store, against the real worker (Miniflare,
// local D1, the real migrations): ingest split across both with deliberate duplicates, the
// leader cut off from the lease mid-run, and then: no duplicate records, one score pusher at
// a time (each term's pushes from one node, the terms one after the other, versions always
// growing, a stale term refused), and the ledger in D1 equal to Σ charges in the log exactly.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyConfigTo, bundleWorker, freePort, startWorker } from '../../scripts/stack';
import type { LogRecord } from '../../worker/core/types';
import { createAnalyticsNode, type AnalyticsNode } from '../app';
import { openLogStore, type LogStore } from '../log-store';
import { makeRecord } from '../test-support';
import { logSource } from '../store/dialect';

const SECRET = 'cluster-internal-secret';
const ADMIN_KEY = 'cluster-admin-key';
const USERS = ['cu1', 'cu2', 'cu3'];
const OPENING_NANOUSD = 50 * 1e9;

interface Seen {
  node: string;
  path: string;
  term: number | null;
  status: number;
  version: number | null;
  at: number;
}

/** Stands between one node and the worker: forwards, records, and can cut the lease off. */
function startProxy(node: string, workerUrl: string, seen: Seen[]): Promise<{ url: string; server: Server; cutLease: (cut: boolean) => void }> {
  let leaseCut = false;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const requestPath = request.url ?? '/';
      if (leaseCut && requestPath === '/internal/analytics-lease') return void response.writeHead(503).end();
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type', 'x-switchboard-lease-term']) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await fetch(`${workerUrl}${requestPath}`, { method: request.method, headers, body: body === '' ? undefined : body });
      const text = await answer.text();
      const term = headers['x-switchboard-lease-term'];
      const version = requestPath === '/internal/scores' ? (JSON.parse(body) as { version: number }).version : null;
      seen.push({ node, path: requestPath, term: term === undefined ? null : Number(term), status: answer.status, version, at: Date.now() });
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, cutLease: (cut) => (leaseCut = cut) })),
  );
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Requests with a failed first attempt now and then; odd charges to exercise the nano-USD rounding. */
function traffic(prefix: string, count: number): LogRecord[] {
  const records: LogRecord[] = [];
  const now = Date.now();
  for (let index = 0; index < count; index++) {
    const request_id = `${prefix}-${index}`;
    const user_id = USERS[index % USERS.length]!;
    const ts_end = now - 2_000 + index;
    const channel_id = index % 2 === 0 ? 'ch-east' : 'ch-west';
    if (index % 5 === 0) {
      records.push(makeRecord({ request_id, user_id, channel_id, attempt: 1, ts_end: ts_end - 500, ts_start: ts_end - 900, final: false, status: 503, error_class: 'server', price_usd: 0, ttft_ms: null, output_tokens: 0 }));
    }
    records.push(makeRecord({ request_id, user_id, channel_id, attempt: index % 5 === 0 ? 2 : 1, ts_end, ts_start: ts_end - 800, price_usd: 0.000_123_456_789 * (1 + (index % 7)) }));
  }
  return records;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

const ingest = async (node: AnalyticsNode, records: readonly LogRecord[]) => {
  const response = await node.app.request('/ingest', { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify({ records }) });
  expect(response.status).toBe(200);
};

const ledgerRun = async (node: AnalyticsNode) =>
  (await (await node.app.request('/ledger/run', { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } })).json()) as { sent: number; pending: number; skipped?: string };

/** The same case over ClickHouse (chdb, an optional dependency: skipped only where it is not installed). */
const chdbWanted = await import('chdb').then(() => true, () => false);

describe.each([
  { engine: 'DuckDB', spec: (directory: string) => path.join(directory, 'shared.duckdb'), skip: false },
  { engine: 'ClickHouse (chdb)', spec: (directory: string) => `chdb:${path.join(directory, 'shared-chdb')}`, skip: !chdbWanted },
])('two analytics nodes over one store ($engine)', ({ spec, skip }) => {
  let directory: string;
  let miniflare: Miniflare;
  let workerUrl: string;
  let store: LogStore;
  const seen: Seen[] = [];
  const proxies: Array<{ server: Server; cutLease: (cut: boolean) => void; url: string }> = [];
  const nodes: AnalyticsNode[] = [];

  beforeAll(async () => {
    if (skip) return;
    directory = await fs.mkdtemp(path.join(os.tmpdir(), 'two-nodes-'));
    const port = await freePort();
    workerUrl = `http://127.0.0.1:${port}`;
    miniflare = await startWorker({
      scriptPath: await bundleWorker(path.join(directory, 'worker')),
      host: '127.0.0.1',
      port,
      dataDir: directory,
      bindings: { ADMIN_KEY, INTERNAL_SECRET: SECRET, ANALYTICS_URL: 'http://127.0.0.1:9' },
      quiet: true,
    });
    await applyConfigTo(workerUrl, ADMIN_KEY, { users: USERS.map((id) => ({ id, balance_usd: OPENING_NANOUSD / 1e9 })) });
    store = await openLogStore(spec(directory));
    for (const node of ['node-a', 'node-b']) proxies.push(await startProxy(node, workerUrl, seen));
    for (const [index, nodeId] of ['node-a', 'node-b'].entries()) {
      nodes.push(
        await createAnalyticsNode({
          dbPath: path.join(directory, 'unused.duckdb'),
          store,
          internalSecret: SECRET,
          workerUrl: proxies[index]!.url,
          cluster: { nodeId, leaseTtlS: 2, leaseMarginMs: 800 },
          scoreIntervalS: 0.2,
          ledgerIntervalS: 0.3,
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    for (const node of nodes) await node.stop().catch(() => undefined);
    await store?.close().catch(() => undefined);
    for (const proxy of proxies) await new Promise((resolve) => proxy.server.close(resolve));
    await miniflare?.dispose().catch(() => undefined);
    if (directory) await fs.rm(directory, { recursive: true, force: true });
  });

  it.skipIf(skip)('keeps one pusher, no duplicate records and an exact ledger through a change of leader', async () => {
    const [nodeA, nodeB] = nodes as [AnalyticsNode, AnalyticsNode];
    const accepted = (term: number) => seen.filter((entry) => entry.path === '/internal/scores' && entry.status === 200 && entry.term === term);
    nodeA.start();
    await until('node-a to push under term 1', () => accepted(1).length > 0);
    nodeB.start();

    // Phase 1: batches alternate between the nodes; every third batch is sent to both, and one
    // batch mixes old and new records.
    const first = traffic('p1', 120);
    for (const [index, batch] of chunks(first, 17).entries()) {
      await ingest(index % 2 === 0 ? nodeA : nodeB, batch);
      if (index % 3 === 0) await ingest(index % 2 === 0 ? nodeB : nodeA, batch);
    }
    expect((await ledgerRun(nodeB)).skipped).toBe('not the lease holder');
    await until('node-a to ledger phase 1', async () => (await ledgerRun(nodeA)).pending === 0 && (await ledgerRun(nodeA)).sent === 0);

    // The leader is cut off from the lease: it stops by itself, node-b takes over with term 2.
    proxies[0]!.cutLease(true);
    await until('node-b to push under term 2', () => accepted(2).length > 0, 20_000);
    expect(seen.some((entry) => entry.path === '/internal/analytics-lease' && entry.node === 'node-b')).toBe(true);

    // A paused old leader waking up: its term is refused for scores and for the ledger.
    const stale = { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json', 'x-switchboard-lease-term': '1' };
    const stalePush = await fetch(`${workerUrl}/internal/scores`, { method: 'POST', headers: stale, body: JSON.stringify({ version: Number.MAX_SAFE_INTEGER, computed_at: 1, window_s: 300, entries: [] }) });
    expect(stalePush.status).toBe(409);
    const staleBatch = { batch_id: 'stale-leader-batch', up_to_ts: 1, debits: [{ user_id: 'cu1', amount_nanousd: 1_000_000, request_ids: ['p1-0'] }] };
    expect((await fetch(`${workerUrl}/internal/ledger`, { method: 'POST', headers: stale, body: JSON.stringify(staleBatch) })).status).toBe(409);

    // Phase 2: new traffic split across both nodes, with phase 1 sent again to both.
    const second = traffic('p2', 90);
    for (const [index, batch] of chunks(second, 13).entries()) await ingest(index % 2 === 0 ? nodeB : nodeA, batch);
    for (const batch of chunks(first, 40)) await ingest(nodeA, batch);
    await ingest(nodeB, [...second.slice(0, 10), ...first.slice(0, 10)]);
    expect((await ledgerRun(nodeA)).skipped).toBe('not the lease holder');
    await until('node-b to ledger everything', async () => (await ledgerRun(nodeB)).pending === 0 && (await ledgerRun(nodeB)).sent === 0);

    // No duplicate records: one row per (request, attempt), every one of them stored.
    const all = [...first, ...second];
    const [counts] = await store.query<{ stored: number; distinct_rows: number }>(
      `SELECT count(*)::DOUBLE AS stored, count(DISTINCT (request_id, attempt))::DOUBLE AS distinct_rows FROM ${logSource(store.dialect)}`,
    );
    expect(counts).toEqual({ stored: all.length, distinct_rows: all.length });

    // The ledger in D1 equals Σ charges in the log, per user, to the nano-dollar.
    const database = await miniflare.getD1Database('DB');
    for (const user of USERS) {
      const charged = all.filter((record) => record.final && record.user_id === user).reduce((sum, record) => sum + Math.round(record.price_usd * 1e9), 0);
      const [logged] = await store.query<{ nanousd: number }>(`SELECT sum(round(price_usd * 1e9))::DOUBLE AS nanousd FROM ${logSource(store.dialect)} WHERE final AND user_id = $1`, [user]);
      expect(Number(logged!.nanousd)).toBe(charged);
      const row = await database.prepare('SELECT balance_nanousd AS balance FROM users WHERE id = ?').bind(user).first<{ balance: number }>();
      expect(OPENING_NANOUSD - row!.balance, user).toBe(charged);
    }
    const batches = await database.prepare('SELECT count(*) AS n, sum(requests) AS requests FROM ledger_batches').first<{ n: number; requests: number }>();
    expect(batches!.requests).toBe(all.filter((record) => record.final).length);

    // One pusher at a time: each term's pushes come from one node, term 1's all before term 2's.
    const pushes = seen.filter((entry) => entry.path === '/internal/scores');
    expect(new Set(accepted(1).map((entry) => entry.node))).toEqual(new Set(['node-a']));
    expect(new Set(accepted(2).map((entry) => entry.node))).toEqual(new Set(['node-b']));
    expect(Math.max(...accepted(1).map((entry) => entry.at))).toBeLessThan(Math.min(...accepted(2).map((entry) => entry.at)));
    expect(pushes.filter((entry) => entry.status !== 200)).toEqual([]);
    expect(pushes.every((entry) => entry.term === 1 || entry.term === 2)).toBe(true);
    const versions = pushes.map((entry) => entry.version!);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    // The ledger batches, too, came under the term of the node that held the lease.
    const ledgerSends = seen.filter((entry) => entry.path === '/internal/ledger');
    expect(ledgerSends.length).toBeGreaterThan(0);
    for (const entry of ledgerSends) expect(entry.term).toBe(entry.node === 'node-a' ? 1 : 2);
  }, 90_000);
});
