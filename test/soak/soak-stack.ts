// The soak cases' stack: scripts/stack.ts's startStack (the same simulator, analytics node and
// worker on Miniflare's direct socket with local D1 that `npm start` runs) on a temp data dir
// with the soak fleet and config, plus what only the soak cases need: the shipper's counters
// and a count of the records in the DuckDB file. Stopping and restarting the analytics node
// and the worker are startStack's own handles.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { startStack } from '../../scripts/stack';

export const SOAK_KEY = 'sk-soak-0001';
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
  const config = JSON.parse(await fs.readFile(path.join(import.meta.dirname, 'config.json'), 'utf8'));
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    stack = await startStack({
      dataDir,
      config,
      fleetPath: path.join(import.meta.dirname, 'fleet.json'),
      adminKey: ADMIN_KEY,
      internalSecret: INTERNAL_SECRET,
      scoreIntervalS: 1,
      workerBindings: {
        // Seals the literal channel credentials of the soak config (worker/secrets/).
        CREDENTIALS_KEY: 'soak:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
        UPSTREAM_TTFT_TIMEOUT_MS: '1500',
        UPSTREAM_IDLE_TIMEOUT_MS: '1500',
        LOG_BATCH_SIZE: '100',
        LOG_MAX_AGE_MS: '200',
        ...workerBindings,
      },
    });
  } catch (error) {
    await fs.rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { workerUrl, analyticsUrl } = stack;

  const internal = { authorization: `Bearer ${INTERNAL_SECRET}` };
  const flushFailures: string[] = [];
  const shipperCounters = async (): Promise<ShipperCounters> => {
    const response = await fetch(`${workerUrl}/internal/health`, { headers: internal });
    return ((await response.json()) as { logs: ShipperCounters }).logs;
  };
  let analyticsRunning = true;
  return {
    workerUrl,
    analyticsUrl,
    simUrl: stack.simUrl,
    dataDir,
    async stopAnalytics() {
      await stack.stopAnalytics();
      analyticsRunning = false;
    },
    async startAnalytics() {
      await stack.startAnalytics();
      analyticsRunning = true;
    },
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
    restartWorker: () => stack.restartWorker(),
    async storedRows() {
      const response = await fetch(`${analyticsUrl}/health`);
      return ((await response.json()) as { rows: number }).rows;
    },
    async countRecords() {
      if (analyticsRunning) throw new Error('stop the analytics node before reading its file');
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
    async stop() {
      await stack.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
