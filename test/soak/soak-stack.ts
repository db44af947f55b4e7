// The soak cases' own stack, put together from the same pieces scripts/stack.ts uses (the
// simulator, the analytics node, the worker bundled by esbuild on Miniflare with local D1) but
// with handles stack.ts does not expose: stop and restart the analytics node on the same port
// and DuckDB file, and restart the worker (a fresh workerd, the same D1). Temp data dir.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { DuckDBInstance } from '@duckdb/node-api';
import { Miniflare, type MiniflareOptions } from 'miniflare';
import { createAnalyticsNode, type AnalyticsNode } from '../../analytics-node/app';
import { startSimulator } from '../simulator/server';
import { applyMigrations } from '../../scripts/migrations';
import { bundleWorker, freePort, ROOT, rewriteSimulatorUrls } from '../../scripts/stack';

export const SOAK_KEY = 'sk-soak-0001';
const HOST = '127.0.0.1';
const INTERNAL_SECRET = 'soak-internal-secret';
const ADMIN_KEY = 'soak-admin-key';

export interface SoakStack {
  workerUrl: string;
  analyticsUrl: string;
  simUrl: string;
  dataDir: string;
  /** Close the analytics node's server and DuckDB: the worker's log batches now fail. */
  stopAnalytics(): Promise<void>;
  /** Start it again on the same port and file. */
  startAnalytics(): Promise<void>;
  /** Ship everything the worker isolate has buffered; its shipper counters. */
  flushLogs(): Promise<ShipperCounters>;
  /** The isolate's shipper counters without flushing (/internal/health). */
  shipperCounters(): Promise<ShipperCounters>;
  /** Answers of /internal/flush that were not the expected JSON (reported, not fatal). */
  flushFailures: string[];
  /** A fresh workerd process (the isolate's memory is gone), same port, same D1. */
  restartWorker(): Promise<void>;
  /** Rows the analytics node has stored (its /health). */
  storedRows(): Promise<number>;
  /** With the analytics node stopped: rows and distinct (request_id, attempt) in the DuckDB file. */
  countRecords(): Promise<{ rows: number; distinct: number }>;
  stop(): Promise<void>;
}

export interface ShipperCounters {
  buffered: number;
  shipped: number;
  dropped: number;
  failed_batches: number;
}

export async function startSoakStack(workerBindings: Record<string, string> = {}): Promise<SoakStack> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-soak-'));
  const dbPath = path.join(dataDir, 'analytics.duckdb');
  const [workerPort, analyticsPort] = await Promise.all([freePort(HOST), freePort(HOST)]);
  const workerUrl = `http://${HOST}:${workerPort}`;
  const analyticsUrl = `http://${HOST}:${analyticsPort}`;

  const fleet = JSON.parse(await fs.readFile(path.join(import.meta.dirname, 'fleet.json'), 'utf8'));
  const simulator = await startSimulator({ port: 0, host: HOST, providers: fleet.providers });

  let analytics: { node: AnalyticsNode; server: ServerType } | null = null;
  async function startAnalytics(): Promise<void> {
    if (analytics) return;
    const node = await createAnalyticsNode({ dbPath, internalSecret: INTERNAL_SECRET, workerUrl, scoreIntervalS: 1 });
    const server = serve({ fetch: node.app.fetch, port: analyticsPort, hostname: HOST });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    if ((server.address() as AddressInfo).port !== analyticsPort) throw new Error('analytics node came back on another port');
    node.start();
    analytics = { node, server };
  }
  async function stopAnalytics(): Promise<void> {
    if (!analytics) return;
    const { node, server } = analytics;
    analytics = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if ('closeAllConnections' in server) server.closeAllConnections();
    await closed;
    await node.stop();
  }

  const config = rewriteSimulatorUrls(JSON.parse(await fs.readFile(path.join(import.meta.dirname, 'config.json'), 'utf8')), simulator.url);
  const scriptPath = await bundleWorker(path.join(dataDir, 'worker'));
  const options: MiniflareOptions = {
    modules: true,
    scriptPath,
    modulesRoot: path.dirname(scriptPath),
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat'],
    host: HOST,
    port: workerPort,
    d1Databases: { DB: 'switchboard-local' },
    d1Persist: path.join(dataDir, 'd1'),
    durableObjects: { ACCOUNTS: { className: 'AccountObject', useSQLite: true }, AUTH_GUARD: { className: 'AuthGuardObject', useSQLite: true } },
    durableObjectsPersist: path.join(dataDir, 'durable-objects'),
    bindings: {
      ADMIN_KEY,
      INTERNAL_SECRET,
      // Seals the literal channel credentials of the soak config (worker/secrets/).
      CREDENTIALS_KEY: 'soak:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
      ANALYTICS_URL: analyticsUrl,
      SCORE_PUSH_INTERVAL_S: '1',
      UPSTREAM_TTFT_TIMEOUT_MS: '1500',
      UPSTREAM_IDLE_TIMEOUT_MS: '1500',
      LOG_BATCH_SIZE: '100',
      LOG_MAX_AGE_MS: '200',
      ...workerBindings,
    },
  };

  let miniflare: Miniflare | null = null;
  const stop = async () => {
    await miniflare?.dispose().catch(() => undefined);
    await stopAnalytics().catch(() => undefined);
    await simulator.close().catch(() => undefined);
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    await startAnalytics();
    miniflare = new Miniflare(options);
    await miniflare.ready;
    await applyMigrations(await miniflare.getD1Database('DB'), path.join(ROOT, 'migrations'));
    const applied = await fetch(`${workerUrl}/admin/config`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(config),
    });
    if (!applied.ok) throw new Error(`config apply failed: ${applied.status} ${await applied.text()}`);
  } catch (error) {
    await stop();
    throw error;
  }

  const internal = { authorization: `Bearer ${INTERNAL_SECRET}` };
  const flushFailures: string[] = [];
  const shipperCounters = async (): Promise<ShipperCounters> => {
    const response = await fetch(`${workerUrl}/internal/health`, { headers: internal });
    return ((await response.json()) as { logs: ShipperCounters }).logs;
  };
  return {
    workerUrl,
    analyticsUrl,
    simUrl: simulator.url,
    dataDir,
    stopAnalytics,
    startAnalytics,
    flushFailures,
    async flushLogs() {
      const response = await fetch(`${workerUrl}/internal/flush`, { method: 'POST', headers: internal });
      const text = await response.text();
      try {
        return (JSON.parse(text) as { logs: ShipperCounters }).logs;
      } catch {
        flushFailures.push(`${response.status} ${text.slice(0, 300)}`);
        return shipperCounters();
      }
    },
    shipperCounters,
    async restartWorker() {
      await miniflare!.dispose();
      miniflare = new Miniflare(options);
      await miniflare.ready;
    },
    async storedRows() {
      const response = await fetch(`${analyticsUrl}/health`);
      return ((await response.json()) as { rows: number }).rows;
    },
    async countRecords() {
      if (analytics) throw new Error('stop the analytics node before reading its file');
      const instance = await DuckDBInstance.create(dbPath);
      const connection = await instance.connect();
      try {
        const result = await connection.runAndReadAll(
          'SELECT count(*)::DOUBLE AS rows, count(DISTINCT (request_id, attempt))::DOUBLE AS distinct_keys FROM log',
        );
        const row = result.getRowObjectsJson()[0] as { rows: number; distinct_keys: number };
        return { rows: Number(row.rows), distinct: Number(row.distinct_keys) };
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    },
    stop,
  };
}
