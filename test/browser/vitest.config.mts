// Browser tests: Playwright (playwright-core + Debian's chromium) against the real stack, with
// the console built by Vite and served by the analytics node. One stack for every file (the
// global setup), files one after another in one fork: a browser and a stack per file would
// cost more than the tests.
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: path.resolve(import.meta.dirname, '../..'),
    environment: 'node',
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    maxWorkers: 1,
    pool: 'forks',
  },
});
