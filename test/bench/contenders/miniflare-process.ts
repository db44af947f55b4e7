// A worker on Miniflare's API (which runs workerd as a child process) in its own process:
// `tsx miniflare-process.ts switchboard <simUrl> <dataDir>` runs Switchboard, full path, with
// local D1 migrated, the bench config applied and the analytics node (DuckDB) in this process
// so logging is real; `... passthrough <simUrl> <dataDir>` runs passthrough-worker.js the same
// way. Both are served as `npm start` serves the worker (scripts/stack.ts): on a direct socket,
// without Miniflare's entry worker in front; BENCH_ENTRY_WORKER=1 puts the entry worker back in
// front of both, to measure what it costs. Prints "READY {url, analyticsUrl, measuredPid}"
// where measuredPid is workerd's.
import fs from 'node:fs';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { serve } from '@hono/node-server';
import { applyConfigTo, bundleWorker, freePort, startWorker } from '../../../scripts/stack';
import { createAnalyticsNode } from '../../../analytics-node/app';
import { childrenOf, commandName, descendantsOf } from '../lib/processes';
import { ADMIN_KEY, benchConfig, INTERNAL_SECRET } from './bench-fleet';

const [mode, simUrl, dataDir] = process.argv.slice(2) as [string, string, string];
fs.mkdirSync(dataDir, { recursive: true });
const host = '127.0.0.1';
const [workerPort, analyticsPort] = await Promise.all([freePort(host), freePort(host)]);
const entryWorker = process.env.BENCH_ENTRY_WORKER === '1';
// workerd's inspector, for the isolate's V8 heap (test/bench/load/stream-memory.ts).
const inspectorPort = process.env.BENCH_INSPECTOR_PORT ? Number(process.env.BENCH_INSPECTOR_PORT) : undefined;
const inspector = inspectorPort ? { inspectorPort } : {};
const workerUrl = `http://${host}:${workerPort}`;
const stoppers: Array<() => Promise<unknown>> = [];
const shutdown = async () => {
  for (const stopper of stoppers.reverse()) await stopper().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

if (mode === 'passthrough') {
  const miniflare = new Miniflare({
    modules: true,
    scriptPath: path.join(import.meta.dirname, 'passthrough-worker.js'),
    compatibilityDate: '2026-04-20',
    host,
    // Exactly startWorker's choice of socket (scripts/stack.ts).
    port: entryWorker ? workerPort : 0,
    ...(entryWorker ? {} : { unsafeDirectSockets: [{ host, port: workerPort }] }),
    bindings: { UPSTREAM: simUrl },
    ...inspector,
  });
  stoppers.push(() => miniflare.dispose());
  await miniflare.ready;
  process.stdout.write(`READY ${JSON.stringify({ url: workerUrl, measuredPid: workerdPid(), entryWorker })}\n`);
} else {
  const analyticsUrl = `http://${host}:${analyticsPort}`;
  const analytics = await createAnalyticsNode({ dbPath: path.join(dataDir, 'analytics.duckdb'), internalSecret: INTERNAL_SECRET, workerUrl, scoreIntervalS: 5 });
  const server = serve({ fetch: analytics.app.fetch, port: analyticsPort, hostname: host });
  stoppers.push(async () => {
    await analytics.stop();
    server.close();
  });
  const scriptPath = await bundleWorker(path.join(dataDir, 'worker'));
  const miniflare = await startWorker({
    scriptPath,
    host,
    port: workerPort,
    dataDir,
    bindings: { ADMIN_KEY, INTERNAL_SECRET, ANALYTICS_URL: analyticsUrl, SCORE_PUSH_INTERVAL_S: '5' },
    entryWorker,
    ...inspector,
  });
  stoppers.push(() => miniflare.dispose());
  await applyConfigTo(workerUrl, ADMIN_KEY, benchConfig(simUrl));
  analytics.start();
  process.stdout.write(`READY ${JSON.stringify({ url: workerUrl, analyticsUrl, measuredPid: workerdPid(), entryWorker })}\n`);
}

function workerdPid(): number {
  const found = descendantsOf(process.pid).find((pid) => pid !== process.pid && commandName(pid) === 'workerd');
  if (found === undefined) throw new Error(`no workerd child found (children: ${childrenOf(process.pid).join(',')})`);
  return found;
}
