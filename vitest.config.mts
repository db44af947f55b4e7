import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';

const root = import.meta.dirname;

/** End-to-end files share one stack: run them in name order, so zz-secrets.test.ts runs last. */
class ByName extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

// Three kinds of test, one runner:
//  - unit:   pure cores (protocols, routing, scoring), the simulators and the analytics node, in Node
//  - worker: the Hono worker inside the Workers runtime (Miniflare) with the real migrations applied
//  - e2e:    the real local stack (upstream simulator, worker on Miniflare, analytics node)
// `npm test` runs all three; `npm run soak` runs the long reliability cases.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(root, 'migrations'));
  return {
    test: {
      projects: [
        {
          test: {
            name: 'unit',
            environment: 'node',
            include: [
              'worker/**/*.test.ts',
              'analytics-node/**/*.test.ts',
              'test/unit/**/*.test.ts',
              'test/simulator/**/*.test.ts',
              'test/routing-sim/**/*.test.ts',
              'scripts/**/*.test.ts',
              'test/bench/**/*.test.ts',
            ],
            testTimeout: 30_000,
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_KEY: 'test-admin-key',
                  INTERNAL_SECRET: 'test-internal-secret',
                  ANALYTICS_URL: 'http://127.0.0.1:9',
                  // A fixed test key for sealing literal channel credentials (worker/secrets/).
                  CREDENTIALS_KEY: 'test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
                },
              },
            }),
          ],
          test: {
            name: 'worker',
            include: ['test/worker/**/*.test.ts'],
            setupFiles: ['test/worker/apply-migrations.ts'],
            testTimeout: 30_000,
          },
        },
        {
          test: {
            name: 'e2e',
            environment: 'node',
            include: ['test/e2e/**/*.test.ts'],
            globalSetup: ['test/e2e/global-setup.ts'],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            fileParallelism: false,
            sequence: { sequencer: ByName },
          },
        },
        {
          // The real coding agents (Claude Code, Codex CLI) against the real stack: `npm run test:clients`.
          test: {
            name: 'clients',
            environment: 'node',
            include: ['test/clients/**/*.test.ts'],
            globalSetup: ['test/clients/global-setup.ts'],
            testTimeout: 180_000,
            hookTimeout: 180_000,
            fileParallelism: false,
          },
        },
        {
          test: {
            name: 'soak',
            environment: 'node',
            include: ['test/soak/**/*.test.ts'],
            testTimeout: 600_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
