// Entry point: `npx tsx analytics-node/main.ts` (started by `npm start`).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createAnalyticsNode } from './app';
import { describeStoreSpec, storeSpecFromEnvironment } from './store/store-spec';

const port = Number(process.env.ANALYTICS_PORT ?? 8788);
const hostname = process.env.ANALYTICS_HOST ?? '127.0.0.1';
// ANALYTICS_STORE (duckdb:PATH, chdb:PATH, clickhouse://…); without it ANALYTICS_DB or the default DuckDB file.
const storeSpec = storeSpecFromEnvironment(process.env);
const internalSecret = process.env.INTERNAL_SECRET ?? '';
// The bootstrap admin key (the worker's ADMIN_KEY) opens the read routes and the dashboard;
// named admin keys are checked with the worker at WORKER_URL.
const adminKey = process.env.ADMIN_KEY || undefined;
const scoreIntervalS = process.env.SCORE_INTERVAL_S === undefined ? undefined : Number(process.env.SCORE_INTERVAL_S);

if (internalSecret === '') {
  console.error('analytics node: INTERNAL_SECRET is required');
  process.exit(1);
}
if (adminKey === undefined && !process.env.WORKER_URL) {
  console.warn('analytics node: neither ADMIN_KEY nor WORKER_URL is set; only the internal secret can read');
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`analytics node: ANALYTICS_PORT must be a port number, got ${process.env.ANALYTICS_PORT}`);
  process.exit(1);
}
if (scoreIntervalS !== undefined && !(scoreIntervalS > 0)) {
  console.error(`analytics node: SCORE_INTERVAL_S must be a positive number, got ${process.env.SCORE_INTERVAL_S}`);
  process.exit(1);
}

if (!storeSpec.ok) {
  console.error(`analytics node: ${storeSpec.error}`);
  process.exit(1);
}
const spec = storeSpec.value;
if (spec.kind === 'duckdb' && spec.path !== ':memory:') mkdirSync(path.dirname(path.resolve(spec.path)), { recursive: true });
console.log(`analytics node: log store ${describeStoreSpec(spec)}`);
const node = await createAnalyticsNode({
  dbPath: spec.kind === 'duckdb' ? spec.path : (process.env.ANALYTICS_STORE ?? '').trim(),
  internalSecret,
  adminKey,
  workerUrl: process.env.WORKER_URL || undefined,
  scoreIntervalS,
  ledgerIntervalS: process.env.LEDGER_INTERVAL_S === undefined ? undefined : Number(process.env.LEDGER_INTERVAL_S),
  // Behind a reverse proxy (a deployment on a VM), sign-in limits count the forwarded address.
  trustProxy: process.env.ANALYTICS_TRUST_PROXY === '1',
  consoleDirectory: process.env.CONSOLE_DIST || undefined,
  // Several nodes over one shared store: each with its own ANALYTICS_NODE_ID (docs/analytics-cluster.md).
  cluster: process.env.ANALYTICS_NODE_ID
    ? {
        nodeId: process.env.ANALYTICS_NODE_ID,
        leaseTtlS: process.env.ANALYTICS_LEASE_TTL_S === undefined ? undefined : Number(process.env.ANALYTICS_LEASE_TTL_S),
      }
    : undefined,
});
const server = serve({ fetch: node.app.fetch, port, hostname }, (info) => {
  console.log(`analytics node ready on http://${hostname}:${info.port}`);
  node.start();
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`analytics node: ${signal}, stopping`);
  server.close();
  try {
    await node.flush();
    await node.stop();
    process.exit(0);
  } catch (error) {
    console.error('analytics node: shutdown failed', error);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
