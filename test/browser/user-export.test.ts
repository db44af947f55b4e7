// The request log's filters live in the URL, and its CSV export is exactly the filtered set:
// its spend adds up to the usage API's totals and to the debits in the billing ledger.
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LedgerList, UsageReport, UserKeyCreated, UserRequestPage } from '../../analytics-node/console/api-types';
import { launchBrowser, openContext, signInAsUser } from './support/browser';
import { chat, consoleJson, eventually, invitedUser, userSession, type ApiSession } from './support/console-api';
import { parseCsv } from './support/csv';
import { browserStack } from './support/stack';

const stack = browserStack();
const CALLS = { 'gpt-4o-mini': 3, 'claude-haiku': 2 } as const;
const REQUESTS = CALLS['gpt-4o-mini'] + CALLS['claude-haiku'];
let browser: Browser;
let page: Page;
let session: ApiSession;
let user: { userId: string; password: string };

beforeAll(async () => {
  browser = await launchBrowser();
  user = await invitedUser(stack, 'browser-export', 20);
  session = await userSession(stack, user.userId, user.password);
  const key = await consoleJson<UserKeyCreated>(stack, session, 'POST', '/api/me/keys', { name: 'export-key' });
  for (const [model, count] of Object.entries(CALLS)) {
    for (let call = 0; call < count; call++) expect((await chat(stack, key.key, model)).status).toBe(200);
  }
  await eventually(async () => {
    const requests = await consoleJson<UserRequestPage>(stack, session, 'GET', '/api/me/requests');
    expect(requests.rows.length).toBe(REQUESTS);
  });
  const context = await openContext(browser, stack);
  page = await context.newPage();
  await signInAsUser(page, user.userId, user.password);
});
afterAll(async () => {
  await browser?.close();
});

async function downloadCsv(): Promise<Array<Record<string, string>>> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  return parseCsv(await fs.readFile((await download.path())!, 'utf8'));
}

const sumOf = (rows: Array<Record<string, string>>, column: string) => rows.reduce((sum, row) => sum + Number(row[column]), 0);

describe('request log filters and CSV export', () => {
  it('filters the log by the URL and exports only the filtered set', async () => {
    await page.goto('/me/requests?model=claude-haiku&days=7');
    const table = page.getByTestId('requests-table');
    await table.getByRole('cell', { name: 'claude-haiku' }).first().waitFor();
    expect(await table.locator('tbody tr').count()).toBe(CALLS['claude-haiku']);
    expect(await table.textContent()).not.toContain('gpt-4o-mini');
    expect(await page.getByLabel('Model').inputValue()).toBe('claude-haiku');

    const rows = await downloadCsv();
    expect(rows).toHaveLength(CALLS['claude-haiku']);
    expect(rows.every((row) => row.model === 'claude-haiku')).toBe(true);
  });

  it('writes filters typed in the page back to the URL', async () => {
    await page.goto('/me/requests');
    await page.getByLabel('Model').fill('gpt-4o-mini');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/model=gpt-4o-mini/);
    // The unfiltered rows (gpt-4o-mini among them) stay on screen until the filtered page
    // arrives: wait for the filtered set itself, not for any gpt-4o-mini cell.
    const table = page.getByTestId('requests-table');
    await expect.poll(async () => ({ rows: await table.locator('tbody tr').count(), text: await table.textContent() }), { timeout: 10_000 })
      .toMatchObject({ rows: CALLS['gpt-4o-mini'] });
    expect(await table.textContent()).not.toContain('claude-haiku');
  });

  it("exports every request, and the CSV's spend matches the usage API and the ledger", async () => {
    await page.goto('/me/requests?days=7');
    await page.getByTestId('requests-table').locator('tbody tr').nth(REQUESTS - 1).waitFor();
    const rows = await downloadCsv();
    expect(rows).toHaveLength(REQUESTS);
    const csvSpend = sumOf(rows, 'spend_usd');
    expect(csvSpend).toBeGreaterThan(0);

    const usage = await consoleJson<UsageReport>(stack, session, 'GET', '/api/me/usage?by=model&tz=UTC');
    expect(usage.totals.requests).toBe(REQUESTS);
    expect(csvSpend).toBeCloseTo(usage.totals.spend_usd, 9);
    expect(sumOf(rows, 'input_tokens')).toBe(usage.totals.input_tokens);
    expect(sumOf(rows, 'output_tokens')).toBe(usage.totals.output_tokens);

    // The ledger: the node books the log into the worker's journal in batches; once it has,
    // the debits add up to what the CSV says was spent (to the nano-dollar the journal keeps).
    await eventually(async () => {
      const ledger = await consoleJson<LedgerList>(stack, session, 'GET', '/api/me/ledger?limit=1000');
      const debits = ledger.data.filter((entry) => entry.kind === 'debit').reduce((sum, entry) => sum + Math.abs(entry.amount_usd), 0);
      expect(debits).toBeCloseTo(csvSpend, 6);
    }, 30_000);
    await page.goto('/me/usage');
    await page.getByTestId('ledger-table').getByText('Usage').first().waitFor();
  });
});
