// The attempt log: opened from a URL with filters it shows exactly the matching rows and
// their totals; a row opens its retry chain; the CSV export of the filtered set adds up to
// what the ledger debited the user.
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openContext, screenshot, signInAsAdmin } from './support/browser';
import { adminCall, eventually } from './support/console-api';
import { parseCsv } from './support/csv';
import { browserStack } from './support/stack';
import { flushLogs, traffic, userWithKey, waitInPage } from './operator-support';

const stack = browserStack();
const USER = 'browser-log';
const REQUESTS = 12;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await openContext(browser, stack)).newPage();
  const key = await userWithKey(stack, USER, 30);
  const statuses = await traffic(stack, key, REQUESTS);
  expect(statuses.every((status) => status === 200)).toBe(true);
  await flushLogs(stack);
  await signInAsAdmin(page, stack);
});
afterAll(async () => {
  await browser?.close();
});

/** What the rendered rows say about themselves. */
async function renderedRows(): Promise<Array<{ channel: string; model: string }>> {
  return page
    .getByTestId('log-rows')
    .getByRole('row')
    .evaluateAll((rows) => rows.map((row) => ({ channel: row.getAttribute('data-channel') ?? '', model: row.getAttribute('data-model') ?? '' })));
}

async function totalRequests(): Promise<number> {
  return Number((await page.getByTestId('log-totals').textContent())?.match(/([\d,]+) requests/)?.[1]?.replace(/,/g, '') ?? '0');
}

describe('attempt log', () => {
  let channel = '';

  it('opens with the filters of its URL and shows only the matching rows, with totals', async () => {
    await page.goto(`/ops/log?user=${USER}&model=gpt-4o-mini`);
    await eventually(async () => {
      await page.reload();
      await page.getByTestId('log-totals').waitFor();
      expect(await totalRequests()).toBe(REQUESTS);
    }, 20_000);
    expect(await page.getByLabel('User').inputValue()).toBe(USER);
    expect(await page.getByLabel('Model').inputValue()).toBe('gpt-4o-mini');
    const rows = await renderedRows();
    expect(rows.length).toBeGreaterThanOrEqual(REQUESTS);
    expect(rows.every((row) => row.model === 'gpt-4o-mini')).toBe(true);
    channel = rows[0]!.channel;

    // Narrow by channel through the URL alone: every row is that channel's, and fewer or equal.
    await page.goto(`/ops/log?user=${USER}&channel=${channel}`);
    await page.getByTestId('log-totals').waitFor();
    await waitInPage(page, `only ${channel}'s rows`, async () => {
      const rows = await renderedRows();
      return rows.length > 0 && rows.every((row) => row.channel === channel);
    });
    expect(await page.getByLabel('Channel').inputValue()).toBe(channel);
    expect(await totalRequests()).toBeLessThanOrEqual(REQUESTS);
    // A filter typed in the page goes into the URL.
    await page.getByLabel('Channel').fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((url) => !url.searchParams.has('channel') && url.searchParams.get('user') === USER);
  });

  it('opens a row to show its retry chain', async () => {
    await page.goto(`/ops/log?user=${USER}`);
    const first = page.getByTestId('log-rows').getByRole('row').first();
    await first.waitFor();
    await first.click();
    await page.waitForURL(/request=/);
    const detail = page.getByTestId('row-detail');
    await detail.getByRole('table', { name: 'Attempts of this request' }).getByRole('row').nth(1).waitFor();
    expect(await detail.getByTestId('waterfall').locator('li').count()).toBeGreaterThanOrEqual(1);
    expect(await detail.textContent()).toContain('(final)');
    await screenshot(page, 'operator-log');
  });

  it('exports the filtered set as CSV whose total charge matches the ledger', async () => {
    await page.goto(`/ops/log?user=${USER}`);
    await page.getByTestId('log-totals').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const rows = parseCsv(await fs.readFile((await download.path())!, 'utf8'));
    expect(rows.length).toBeGreaterThanOrEqual(REQUESTS);
    expect(rows.every((row) => row.user_id === USER)).toBe(true);
    const charged = rows.reduce((sum, row) => sum + Number(row.price_usd), 0);
    expect(charged).toBeGreaterThan(0);
    // The totals row says the same.
    expect(Number(await page.getByTestId('total-charge').getAttribute('data-value'))).toBeCloseTo(charged, 9);

    // Run the ledger now (the node's internal route), then read what D1 debited this user.
    const run = await fetch(`${stack.consoleUrl}/ledger/run`, { method: 'POST', headers: { authorization: `Bearer ${stack.internalSecret}` } });
    expect(run.status).toBe(200);
    const debited = await eventually(async () => {
      const summary = (await (await adminCall(stack, 'GET', '/admin/ledger/summary')).json()) as { users: Array<{ user_id: string; debits_nanousd: number }> };
      const debits = -(summary.users.find((user) => user.user_id === USER)?.debits_nanousd ?? 0);
      expect(debits).toBeGreaterThan(0);
      return debits / 1e9;
    });
    // Each request is rounded to a nano-dollar in the ledger.
    expect(Math.abs(debited - charged)).toBeLessThanOrEqual(REQUESTS * 1e-9 + 1e-12);
  });

  it('offers a Parquet export of the same filtered set', async () => {
    const href = await page.getByTestId('export-parquet').getAttribute('href');
    expect(href).toContain(`user=${USER}`);
    expect(href).toContain('format=parquet');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-parquet').click()]);
    const bytes = await fs.readFile((await download.path())!);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
  });
});
