// Starts the real local stack once for the end-to-end project: upstream simulator with the
// e2e fleet, analytics node on a temporary DuckDB file (ANALYTICS_STORE=chdb: ClickHouse
// in-process, in a folder of the same temporary directory), worker on Miniflare with local D1.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack, type Stack } from '../../scripts/stack';
import { ensureConsoleBuilt } from '../../scripts/console-build';
import { parseStoreSpec } from '../../analytics-node/store/store-spec';

/** The analytics node's log store, for the secrets scan: a DuckDB file or a chdb folder. */
export interface E2EAnalyticsStore {
  kind: 'duckdb' | 'chdb';
  path: string;
  /** What the stack was given (ANALYTICS_STORE's form). */
  spec: string;
}

export interface E2EStack {
  workerUrl: string;
  analyticsUrl: string;
  simUrl: string;
  adminKey: string;
  internalSecret: string;
  dataDir: string;
  analyticsStore: E2EAnalyticsStore;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: E2EStack;
  }
}

let stack: Stack | null = null;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The analytics node serves the console; the secrets scan reads its page too.
  await ensureConsoleBuilt();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-e2e-'));
  const config = JSON.parse(await fs.readFile(path.join(import.meta.dirname, 'config.json'), 'utf8'));
  process.env.E2E_CHANNEL_B_KEY = 'sk-upstream-b-from-env-SECRET';
  const analyticsStore = analyticsStoreIn(dataDir, process.env.ANALYTICS_STORE);
  stack = await startStack({
    dataDir,
    analyticsStore: analyticsStore.spec,
    config,
    fleetPath: path.join(import.meta.dirname, 'fleet.json'),
    adminKey: 'e2e-admin-key',
    internalSecret: 'e2e-internal-secret',
    scoreIntervalS: 1,
    quiet: true,
    workerBindings: {
      UPSTREAM_TTFT_TIMEOUT_MS: '1500',
      UPSTREAM_IDLE_TIMEOUT_MS: '1500',
      LOG_MAX_AGE_MS: '100',
      LOG_BATCH_SIZE: '50',
      CATALOG_TTL_MS: '500',
      KEY_CACHE_TTL_MS: '1000',
      MAX_BODY_BYTES: String(1024 * 1024),
    },
  });
  project.provide('stack', {
    workerUrl: stack.workerUrl,
    analyticsUrl: stack.analyticsUrl,
    simUrl: stack.simUrl,
    adminKey: stack.adminKey,
    internalSecret: stack.internalSecret,
    dataDir,
    analyticsStore,
  });
  return async () => {
    await stack?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}

/** ANALYTICS_STORE for this run: `chdb` (a folder in dataDir) or `chdb:PATH`, else a DuckDB file in dataDir. */
function analyticsStoreIn(dataDir: string, given = ''): E2EAnalyticsStore {
  const text = given.trim();
  if (text === 'chdb') {
    const folder = path.join(dataDir, 'analytics.chdb');
    return { kind: 'chdb', path: folder, spec: `chdb:${folder}` };
  }
  if (text === '' || text === 'duckdb') {
    const file = path.join(dataDir, 'analytics.duckdb');
    return { kind: 'duckdb', path: file, spec: `duckdb:${file}` };
  }
  const parsed = parseStoreSpec(text);
  if (!parsed.ok) throw new Error(`ANALYTICS_STORE: ${parsed.error}`);
  if (parsed.value.kind === 'clickhouse') throw new Error('the e2e stack runs on DuckDB or chdb (ANALYTICS_STORE=chdb), not on a ClickHouse server');
  return { kind: parsed.value.kind, path: parsed.value.path, spec: text };
}
