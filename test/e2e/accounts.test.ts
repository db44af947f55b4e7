// Accounts and money against the real stack: hundreds of concurrent requests against a small
// balance, budgets and rate limits at their edges, revocation within the key cache TTL, the
// ledger back into D1 exactly once, reconciliation, and no secret in any answer or store.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analytics, flushLogs, post, stack, waitFor, admin } from './helpers';
import { rewriteSimulatorUrls } from '../../scripts/stack';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const SMALL_KEY = 'sk-e2e-acct-small-0001';
const RPM_KEY = 'sk-e2e-acct-rpm-0001';
const BUDGET_KEY = 'sk-e2e-acct-budget-0001';
const NANO = 1_000_000_000;
/** m-acct: $1000 per million output tokens, input free; the e2e-a simulator answers 24 tokens. */
const CHARGE_USD = 24 * 0.001;
const acct = (extra: Record<string, unknown> = {}) => ({ model: 'm-acct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 30, ...extra });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });


async function keyInfo(key: string) {
  const response = await fetch(`${stack().workerUrl}/v1/key`, { headers: bearer(key) });
  return { status: response.status, text: await response.clone().text(), json: (await response.json()) as any };
}

async function reconcileCli(analyticsUrl = stack().analyticsUrl, wait = '10') {
  const { workerUrl, adminKey, internalSecret } = stack();
  const args = ['tsx', 'scripts/reconcile.ts', '--url', workerUrl, '--analytics-url', analyticsUrl, '--admin-key', adminKey, '--internal-secret', internalSecret, '--wait', wait, '--json'];
  try {
    const { stdout } = await run('npx', args, { cwd: ROOT });
    return { code: 0, report: JSON.parse(stdout) };
  } catch (error: any) {
    return { code: error.code as number, report: error.stdout ? JSON.parse(error.stdout) : null, stderr: error.stderr as string };
  }
}

describe('prepaid balance under concurrency', () => {
  it('300 parallel requests against $0.30 spend at most the balance, and every debit reaches D1 once', async () => {
    const before = (await admin('GET', '/admin/users/e2e-acct-small')).json;
    expect(before.balance_usd).toBeCloseTo(0.3, 9);
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => post('/v1/chat/completions', acct({ messages: [{ role: 'user', content: `c${i}` }] }), bearer(SMALL_KEY))));
    const statuses = results.map((result) => result.status);
    const ok = statuses.filter((status) => status === 200).length;
    expect(results.filter((result) => result.status !== 200 && result.status !== 402).map((result) => JSON.stringify(result.json)).slice(0, 3)).toEqual([]);
    // Each admission holds $0.03 (30 tokens at most); ten fit at once, and a few more as early ones settle at $0.024.
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok * CHARGE_USD).toBeLessThanOrEqual(0.3 + 1e-9);
    const refused = results.find((result) => result.status === 402)!;
    expect(refused.json.error.message).toMatch(/balance/i);
    expect(refused.json.error.code).toBeTruthy();

    const report = await reconcileCli();
    expect(report.code, JSON.stringify(report.report?.users?.filter((user: any) => !user.ok))).toBe(0);
    const row = report.report.users.find((user: any) => user.user_id === 'e2e-acct-small');
    expect(row.logged_nanousd).toBe(Math.round(ok * CHARGE_USD * NANO));
    expect(row.d1_debits_nanousd).toBe(row.logged_nanousd);
    const after = (await admin('GET', '/admin/users/e2e-acct-small')).json;
    expect(after.balance_nanousd).toBe(0.3 * NANO - row.logged_nanousd);
    expect(after.balance_nanousd).toBeGreaterThanOrEqual(0);
    expect(after.account).toMatchObject({ reserved_usd: 0, unledgered_usd: 0, open_reservations: 0 });
  });
});

describe('limits', () => {
  it('RPM: the limit passes, one more is 429 with retry-after', async () => {
    for (let i = 0; i < 3; i++) expect((await post('/v1/chat/completions', acct(), bearer(RPM_KEY))).status).toBe(200);
    const over = await post('/v1/chat/completions', acct(), bearer(RPM_KEY));
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.json.error.message).toContain('3 requests per minute');
  });

  it('daily budget: a request that could cross it is 402 with a clear message', async () => {
    expect((await post('/v1/chat/completions', acct(), bearer(BUDGET_KEY))).status).toBe(200);
    await waitFor(async () => (await keyInfo(BUDGET_KEY)).json.data.usage_daily > 0, 5_000, 50);
    // $0.024 spent; another may cost $0.03: over $0.05.
    const over = await post('/v1/chat/completions', acct(), bearer(BUDGET_KEY));
    expect(over.status).toBe(402);
    expect(over.json.error.message).toContain('daily budget of $0.05');
    // One that can cost at most $0.026 still fits exactly.
    expect((await post('/v1/chat/completions', acct({ max_tokens: 26 }), bearer(BUDGET_KEY))).status).toBe(200);
    const info = await keyInfo(BUDGET_KEY);
    expect(info.json.data).toMatchObject({ label: 'budget', limit: 0.05, limit_reset: 'daily', is_free_tier: false });
  });
});

describe('keys through the admin API', () => {
  it('a created key works at once and stops within the cache TTL once revoked', async () => {
    const created = await admin('POST', '/admin/keys', { user: 'e2e-acct-limits', name: 'temp', models: ['m-acct'] });
    expect(created.status).toBe(201);
    const key: string = created.json.key;
    expect(key).toMatch(/^sk-sb-/);
    expect((await post('/v1/chat/completions', acct(), bearer(key))).status).toBe(200);
    const revokedAt = Date.now();
    expect((await admin('DELETE', `/admin/keys/${created.json.id}`)).json.status).toBe('revoked');
    await waitFor(async () => (await post('/v1/chat/completions', acct(), bearer(key))).status === 401, 3_000, 50);
    expect(Date.now() - revokedAt).toBeLessThan(2_000); // KEY_CACHE_TTL_MS = 1000 in the e2e stack
  });

  it('credits raise the balance the account object admits against', async () => {
    await admin('POST', '/admin/users', { id: 'e2e-acct-credit', balance_usd: 0 });
    const created = await admin('POST', '/admin/keys', { user: 'e2e-acct-credit', name: 'k', models: ['m-acct'] });
    expect((await post('/v1/chat/completions', acct(), bearer(created.json.key))).status).toBe(402);
    expect((await admin('POST', '/admin/users/e2e-acct-credit/credits', { amount_usd: 0.05 })).status).toBe(201);
    expect((await post('/v1/chat/completions', acct(), bearer(created.json.key))).status).toBe(200);
    expect((await keyInfo(created.json.key)).json.data.balance).toBeCloseTo(0.05 - CHARGE_USD, 9);
  });
});

describe('usage for the key owner', () => {
  it('GET /v1/usage: this key, per model and day', async () => {
    await flushLogs();
    const rows = await waitFor(async () => {
      const response = await fetch(`${stack().workerUrl}/v1/usage?from=${Date.now() - 86_400_000}`, { headers: bearer(RPM_KEY) });
      const body = (await response.json()) as any;
      return body.data?.length > 0 ? body.data : null;
    }, 5_000);
    expect(rows).toEqual([expect.objectContaining({ model: 'm-acct', requests: 3, output_tokens: 72 })]);
    expect(rows[0].usage).toBeCloseTo(3 * CHARGE_USD, 9);
    const bad = await fetch(`${stack().workerUrl}/v1/usage?from=yesterday`, { headers: bearer(RPM_KEY) });
    expect(bad.status).toBe(400);
  });
});

describe('reconciliation', () => {
  it('exits 0 when every cent is accounted for and 1 on a mismatch', async () => {
    const good = await reconcileCli();
    expect(good.code).toBe(0);
    expect(good.report.users.length).toBeGreaterThan(3);
    // Everything is in D1 now. Re-applying the config changes no balance (top-ups and debits stay) and breaks nothing.
    const balances = (await admin('GET', '/admin/users')).json.data.map((user: any) => [user.id, user.balance_nanousd]);
    const config = JSON.parse(await fs.readFile(path.join(ROOT, 'test/e2e/config.json'), 'utf8'));
    expect((await admin('POST', '/admin/config', rewriteSimulatorUrls(config, stack().simUrl))).status).toBe(200);
    expect((await admin('GET', '/admin/users')).json.data.map((user: any) => [user.id, user.balance_nanousd])).toEqual(balances);
    expect((await reconcileCli()).code).toBe(0);
    // A ledger that claims more than D1 holds: served by a stand-in analytics node.
    const fake = http.createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/ledger/summary') {
        response.end(JSON.stringify({ users: [{ user_id: 'e2e-acct-small', logged_nanousd: 1, batched_nanousd: 1, applied_nanousd: 1 }] }));
      } else response.end('{}');
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const address = fake.address() as { port: number };
      const bad = await reconcileCli(`http://127.0.0.1:${address.port}`, '0');
      expect(bad.code).toBe(1);
      expect(bad.report.users.find((user: any) => user.user_id === 'e2e-acct-small').ok).toBe(false);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });
});

describe('no secret leaves', () => {
  const keys = ['sk-e2e-main-0001', SMALL_KEY, RPM_KEY, BUDGET_KEY];
  const credentials = ['sk-upstream-a-SECRET', 'sk-upstream-b-from-env-SECRET', 'sk-ant-upstream-SECRET', 'gemini-upstream-SECRET'];
  const hashes = keys.map((key) => createHash('sha256').update(key).digest('hex'));

  it('in admin answers, /v1/key, analytics answers, DuckDB or D1', async () => {
    const answers: string[] = [];
    for (const route of ['/admin/users', '/admin/keys', '/admin/channels', '/admin/models', '/admin/groups', '/admin/ledger/summary', '/admin/ledger/batches', '/admin/users/e2e-acct-small', '/admin/users/e2e-acct-small/ledger']) {
      answers.push((await admin('GET', route)).text);
    }
    const adminKeys = (await admin('GET', '/admin/keys')).json.data as any[];
    for (const key of adminKeys.slice(0, 5)) answers.push((await admin('GET', `/admin/keys/${key.id}`)).text);
    for (const key of keys) answers.push((await keyInfo(key)).text);
    const { internalSecret, analyticsUrl } = stack();
    for (const route of ['/stats?window=3600', '/scores', '/health', `/usage?from=${Date.now() - 86_400_000}`, '/ledger/summary']) {
      const response = await fetch(`${analyticsUrl}${route}`, { headers: { authorization: `Bearer ${internalSecret}` } });
      answers.push(await response.text());
    }
    const all = answers.join('\n');
    for (const secret of [...keys, ...credentials, ...hashes]) expect(all).not.toContain(secret);

    // The stores, byte for byte: DuckDB holds no key, hash or credential; D1 holds hashes (that
    // is how keys are checked) and channel credentials (write-only), never a plaintext key.
    await fetch(`${stack().analyticsUrl}/health`);
    const files = await listFiles(stack().dataDir);
    // The log store's files, DuckDB or chdb (ANALYTICS_STORE=chdb; zz-secrets.test.ts also
    // searches chdb's columns, since its files are compressed).
    const duck = files.filter((file) => file.includes('analytics.duckdb') || file.includes('analytics.chdb'));
    const d1 = files.filter((file) => file.includes(`${path.sep}d1${path.sep}`));
    expect(duck.length).toBeGreaterThan(0);
    expect(d1.length).toBeGreaterThan(0);
    for (const file of duck) {
      const bytes = await fs.readFile(file);
      for (const secret of [...keys, ...credentials, ...hashes]) expect(bytes.includes(secret), `${secret} in ${file}`).toBe(false);
    }
    for (const file of d1) {
      const bytes = await fs.readFile(file);
      for (const key of keys) expect(bytes.includes(key), `${key} in ${file}`).toBe(false);
    }
    await analytics('/health');
  });
});

async function listFiles(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
