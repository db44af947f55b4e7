// Setup for the Workers-pool project: apply the real migrations/ to this test file's D1.
import { applyD1Migrations, env } from 'cloudflare:test';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
