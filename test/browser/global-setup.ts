// Builds the console with Vite's JS API and starts one real stack (simulator, worker on
// Miniflare, analytics node serving console/dist) for every browser test file.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT, startStack, type Stack } from '../../scripts/stack';
import { ensureConsoleBuilt } from '../../scripts/console-build';
import type { BrowserStack } from './support/stack';

let stack: Stack | null = null;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureConsoleBuilt();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-browser-'));
  const config = JSON.parse(await fs.readFile(path.join(ROOT, 'scripts/demo-config.json'), 'utf8'));
  stack = await startStack({
    dataDir,
    config,
    adminKey: 'browser-admin-key',
    internalSecret: 'browser-internal-secret',
    scoreIntervalS: 1,
    quiet: true,
    // Logs reach the node within ~100 ms, so spend shows up in the console quickly.
    workerBindings: { LOG_MAX_AGE_MS: '100', LOG_BATCH_SIZE: '20', KEY_CACHE_TTL_MS: '500', CATALOG_TTL_MS: '500' },
  });
  const provided: BrowserStack = {
    workerUrl: stack.workerUrl,
    consoleUrl: stack.analyticsUrl,
    adminKey: stack.adminKey,
    internalSecret: stack.internalSecret,
    demoKey: 'sk-demo-123',
  };
  project.provide('browserStack', provided);
  return async () => {
    await stack?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
