// Starts the real local stack once for the end-to-end project: upstream simulator with the
// e2e fleet, analytics node on a temporary DuckDB file, worker on Miniflare with local D1.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack, type Stack } from '../../scripts/stack';
import { ensureConsoleBuilt } from '../../scripts/console-build';

export interface E2EStack {
  workerUrl: string;
  analyticsUrl: string;
  simUrl: string;
  adminKey: string;
  internalSecret: string;
  dataDir: string;
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
  stack = await startStack({
    dataDir,
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
  });
  return async () => {
    await stack?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
