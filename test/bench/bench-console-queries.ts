// Console query latency over a large log: fills a DuckDB file with N synthetic attempts
// (default 10M over 7 days, generated inside DuckDB from range(): the fastest way in), then
// times every /api/ops/* query and the end user's overview and usage through the real HTTP
// routes (@hono/node-server on 127.0.0.1, an admin and a user session). Prints a table and
// writes test/bench/results/console-queries.json.
//   npx tsx test/bench/bench-console-queries.ts [--rows 10000000] [--runs 20] [--db FILE] [--refill]
// The filled file is kept (default .data/bench/console-queries-<rows>.duckdb) and reused by the
// next run: filling 10M rows takes minutes. Its data ends at the fill's clock, so the console's
// clock starts there and moves with the real one (the live windows keep finding traffic).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createConsole } from '../../analytics-node/console/console-app';
import { directStore } from '../../analytics-node/console/test-store';
import type { LogStore } from '../../analytics-node/log-store';
import { buildScoreTable } from '../../analytics-node/score-table';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const textArgument = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
};
const ROWS = argument('rows', 10_000_000);
const RUNS = argument('runs', 20);
const SPAN_MS = 7 * 86_400_000;
/** Bumped whenever the generated data changes, so an old file is never reused for new data. */
const FILL_VERSION = 1;
const dbPath = path.resolve(textArgument('db') ?? path.join(import.meta.dirname, '../../.data/bench', `console-queries-${ROWS}.duckdb`));

async function filledAt(store: LogStore): Promise<number | null> {
  try {
    const [meta] = await store.query<{ rows: number; version: number; now: number }>('SELECT rows::DOUBLE AS rows, version::DOUBLE AS version, now_ms::DOUBLE AS now FROM bench_meta');
    return meta && meta.rows === ROWS && meta.version === FILL_VERSION ? meta.now : null;
  } catch {
    return null;
  }
}

async function fill(target: string): Promise<number> {
  const partial = `${target}.filling`;
  rmSync(partial, { force: true });
  rmSync(`${partial}.wal`, { force: true });
  const store = await directStore(partial);
  const now = Date.now();
  // Time-ordered like real ingest (row groups prune on ts_end); 40 channels, 12 models, 2,000 users, 5,000 keys, 4 % errors, 10 % retried.
  await store.write(`INSERT INTO log SELECT
    'r' || (i // 1)::VARCHAR AS request_id, 1 AS attempt,
    (${now - SPAN_MS} + i * ${SPAN_MS / ROWS})::BIGINT - 900 AS ts_start, (${now - SPAN_MS} + i * ${SPAN_MS / ROWS})::BIGINT AS ts_end,
    'key-' || (hash(i) % 5000)::VARCHAR, 'user-' || (hash(i) % 5000 // 2.5)::BIGINT::VARCHAR, 'default',
    'model-' || (hash(i * 7) % 12)::VARCHAR, 'channel-' || (hash(i * 13) % 40)::VARCHAR, 'upstream', 'openai', 'openai',
    i % 3 <> 0, CASE WHEN hash(i * 17) % 25 = 0 THEN 502 ELSE 200 END,
    CASE WHEN hash(i * 17) % 25 = 0 THEN 'server' ELSE 'none' END, '',
    100 + hash(i * 19) % 900, 900 + hash(i * 23) % 4000, 200 + hash(i) % 2000, 50 + hash(i * 3) % 800, hash(i * 5) % 300, 0, false,
    (hash(i * 29) % 1000) / 1e6, CASE WHEN hash(i * 17) % 25 = 0 THEN 0 ELSE (hash(i * 31) % 1300) / 1e6 END,
    hash(i * 37) % 10 <> 0, 0, 0
    FROM range(${ROWS}) t(i)`);
  await store.rebuildRollups();
  await store.write(`CREATE TABLE bench_meta AS SELECT ${ROWS}::BIGINT AS rows, ${FILL_VERSION}::BIGINT AS version, ${now}::BIGINT AS now_ms`);
  await store.write('CHECKPOINT');
  await store.close();
  renameSync(partial, target);
  return now;
}

mkdirSync(path.dirname(dbPath), { recursive: true });
const fillStart = performance.now();
let fillNow: number | null = null;
if (existsSync(dbPath) && !process.argv.includes('--refill')) {
  const probe = await directStore(dbPath);
  fillNow = await filledAt(probe);
  await probe.close();
}
const reused = fillNow !== null;
if (fillNow === null) {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  fillNow = await fill(dbPath);
}
const fillS = (performance.now() - fillStart) / 1000;
const store = await directStore(dbPath);
// The console's clock: the fill's instant, moving on with real time from here.
const startedAt = Date.now();
const clock = () => fillNow + (Date.now() - startedAt);
const NOW = clock();

const scores = buildScoreTable([], 0, NOW, 300);
const CATALOG = Array.from({ length: 12 }, (_, index) => ({ id: `model-${index}`, price: { input_per_mtok: 0.15 * (index + 1), cached_input_per_mtok: 0.075 * (index + 1) } }));
const consoleServer = await createConsole({
  store, internalSecret: 'bench-secret', sessionTtlMs: 3_600_000, currentScores: () => scores, now: clock,
  verifyAdmin: async (key) => (key === 'bench-admin' ? { id: 'bootstrap', name: 'bootstrap', scope: 'owner' } : null),
  // The worker: the user's account, and a catalog with cache prices (economics computes cache savings per model).
  worker: async (call) => new Response(JSON.stringify(call.path.startsWith('/internal/users/') ? { id: 'user-42', group: 'default', balance_usd: 100, status: 'active', budget_monthly_usd: null, account: { available_usd: 90, month_spend_usd: 10 } } : call.path.startsWith('/admin/models') ? { data: CATALOG } : { data: [] }), { headers: { 'content-type': 'application/json' } }),
});
const app = new Hono();
app.route('/', consoleServer.api as unknown as Hono);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

async function cookieFor(body: unknown): Promise<string> {
  const response = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`sign-in ${response.status}`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}
const adminCookie = await cookieFor({ kind: 'admin', admin_key: 'bench-admin' });
// The user's password goes in directly through the invite flow's storage (no admin round trip needed here).
const invite = (await (await fetch(`${base}/api/ops/invites`, { method: 'POST', headers: { cookie: adminCookie, 'content-type': 'application/json', 'x-csrf-token': ((await (await fetch(`${base}/api/session`, { headers: { cookie: adminCookie } })).json()) as { csrf_token: string }).csrf_token }, body: '{"user_id":"user-42"}' })).json()) as { token: string };
await fetch(`${base}/api/invites/${invite.token}/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'bench-password-123' }) });
const userCookie = await cookieFor({ kind: 'user', user_id: 'user-42', password: 'bench-password-123' });

const day = 86_400_000;
const queries: [string, string, string][] = [
  ['overview (5 min)', '/api/ops/overview?window=300', adminCookie],
  ['overview (1 h)', '/api/ops/overview?window=3600', adminCookie],
  ['channels (5 min)', '/api/ops/channels?window=300', adminCookie],
  ['channel timeline (1 h)', '/api/ops/channels/channel-3/timeline', adminCookie],
  ['economics by channel, 7 d', `/api/ops/economics?by=channel&from=${NOW - 7 * day}`, adminCookie],
  ['economics by model, 7 d', `/api/ops/economics?by=model&from=${NOW - 7 * day}`, adminCookie],
  ['economics by user, 7 d', `/api/ops/economics?by=user&from=${NOW - 7 * day}`, adminCookie],
  ['economics by key, 7 d', `/api/ops/economics?by=key&from=${NOW - 7 * day}`, adminCookie],
  ['economics by channel, 1 d', `/api/ops/economics?by=channel&from=${NOW - day}`, adminCookie],
  ['log page + totals, no filter', '/api/ops/log?limit=100', adminCookie],
  ['log page + totals, channel + errors', '/api/ops/log?limit=100&channel=channel-7&status=error', adminCookie],
  ['log page + totals, user, 1 d', `/api/ops/log?limit=100&user=user-42&from=${NOW - day}`, adminCookie],
  ['log histogram, no filter', '/api/ops/log/histogram?buckets=60', adminCookie],
  ['log histogram, model, 1 d', `/api/ops/log/histogram?buckets=60&model=model-3&from=${NOW - day}`, adminCookie],
  // The tail: the last 5 s of the data (a reused file's data ends at its fill).
  ['log tail', `/api/ops/log/tail?after=${fillNow - 5000}`, adminCookie],
  ['user overview', '/api/me/overview?tz=Europe/Paris', userCookie],
  ['user usage by day, 30 d', '/api/me/usage?by=day&tz=Europe/Paris', userCookie],
  ['user usage by model, 30 d', '/api/me/usage?by=model', userCookie],
  ['user requests page', '/api/me/requests?limit=100', userCookie],
];

const results: { query: string; path: string; p50_ms: number; p95_ms: number; max_ms: number }[] = [];
for (const [name, route, cookie] of queries) {
  const times: number[] = [];
  for (let run = 0; run < RUNS + 2; run++) {
    const started = performance.now();
    const response = await fetch(`${base}${route}`, { headers: { cookie } });
    if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    if (run >= 2) times.push(performance.now() - started); // two warm-up runs
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]! * 10) / 10;
  results.push({ query: name, path: route, p50_ms: at(0.5), p95_ms: at(0.95), max_ms: at(1) });
}

const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version, load_average: os.loadavg().map((value) => Math.round(value * 100) / 100) };
console.log(`${ROWS.toLocaleString('en')} rows over 7 days, ${reused ? `reused ${path.relative(process.cwd(), dbPath)}` : `filled in ${fillS.toFixed(1)} s`}; ${RUNS} timed runs per query after 2 warm-ups; ${machine.cpus} × ${machine.cpu}, load ${machine.load_average.join(' ')}`);
console.log('query'.padEnd(40), 'p50 ms'.padStart(8), 'p95 ms'.padStart(8), 'max ms'.padStart(8));
for (const row of results) console.log(row.query.padEnd(40), String(row.p50_ms).padStart(8), String(row.p95_ms).padStart(8), String(row.max_ms).padStart(8));
const output = path.join(import.meta.dirname, 'results', 'console-queries.json');
mkdirSync(path.dirname(output), { recursive: true });
// The run before the rollups (docs/perf-notes-console.md) is carried over for comparison.
const before = existsSync(output) ? (JSON.parse(readFileSync(output, 'utf8')) as { before?: unknown }).before : undefined;
writeFileSync(output, `${JSON.stringify({ date: new Date().toISOString(), rows: ROWS, span_days: 7, runs: RUNS, fill_s: reused ? null : Math.round(fillS * 10) / 10, machine, target_p95_ms: 300, results, before }, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), output)}`);

await new Promise<void>((resolve) => server.close(() => resolve()));
await store.close();
