// An end user creates a key in the console, sees its secret once, calls the gateway's real
// client route with it, and finds the spend in their overview, usage and key list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { UsageReport } from '../../analytics-node/console/api-types';
import { launchBrowser, openContext, screenshot, signInAsUser } from './support/browser';
import { chat, consoleJson, eventually, invitedUser, userSession } from './support/console-api';
import { browserStack } from './support/stack';

const stack = browserStack();
let browser: Browser;
let context: BrowserContext;
let page: Page;
let user: { userId: string; password: string };

beforeAll(async () => {
  browser = await launchBrowser();
  user = await invitedUser(stack, 'browser-keys', 25);
  context = await openContext(browser, stack, { timezoneId: 'Europe/Berlin' });
  page = await context.newPage();
  await signInAsUser(page, user.userId, user.password);
});
afterAll(async () => {
  await browser?.close();
});

describe('keys and spend', () => {
  let secret = '';

  it('creates a key with a budget and a rate limit and shows its secret exactly once', async () => {
    await page.getByRole('link', { name: 'Keys' }).click();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByLabel('Name').fill('laptop');
    await page.getByLabel('Monthly budget (USD)').fill('5');
    await page.getByLabel('Requests per minute').fill('60');
    await page.getByRole('button', { name: 'Create key' }).last().click();
    secret = await page.getByTestId('new-key-secret').inputValue();
    expect(secret).toMatch(/^sk-sb-[0-9a-f]{48}$/);
    await page.getByRole('button', { name: 'Done' }).click();

    const table = page.getByTestId('keys-table');
    await table.getByRole('cell', { name: 'laptop', exact: true }).waitFor();
    const row = table.getByRole('row').filter({ hasText: 'laptop' });
    expect(await row.textContent()).toContain('$5.00');
    expect(await row.textContent()).toContain('never');
    // Shown once: the page, reloaded, holds only the prefix, never the secret.
    await page.reload();
    await table.getByRole('cell', { name: 'laptop', exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await page.content()).toContain(secret.slice(0, 8));
  });

  it('sees the spend of a real call with that key in the overview, usage and key list', async () => {
    const answer = await chat(stack, secret);
    expect(answer.status).toBe(200);
    const session = await userSession(stack, user.userId, user.password);
    const usage = await eventually(async () => {
      const report = await consoleJson<UsageReport>(stack, session, 'GET', '/api/me/usage?by=model&tz=Europe/Berlin');
      expect(report.totals.requests).toBe(1);
      return report;
    });
    const spend = usage.totals.spend_usd;
    expect(spend).toBeGreaterThan(0);

    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Overview' }).click();
    const today = page.getByTestId('metric-spend-today-value');
    await today.waitFor();
    expect(await today.textContent()).not.toBe('$0.00');
    expect(await today.textContent()).toBe(await page.getByTestId('metric-spend-7d-value').textContent());
    await screenshot(page, 'user-overview');

    await page.getByRole('link', { name: 'Usage' }).click();
    const usageTable = page.getByTestId('usage-table');
    await usageTable.getByRole('cell', { name: 'gpt-4o-mini' }).waitFor();
    expect(await page.getByTestId('totals-row').first().textContent()).toMatch(/^Total1/);
    await page.getByTestId('ledger-table').waitFor();
    await screenshot(page, 'user-usage');

    await page.getByRole('link', { name: 'Keys' }).click();
    const row = page.getByTestId('keys-table').getByRole('row').filter({ hasText: 'laptop' });
    await row.waitFor();
    expect(await row.textContent()).not.toContain('$0.00Revoke');
    await screenshot(page, 'user-keys');
    // Last used: the key was used a moment ago (reload: the list is read when the page opens).
    await eventually(async () => {
      await page.reload();
      await row.waitFor();
      expect(await row.textContent()).toMatch(/\d+ (s|min) ago/);
    }, 10_000);
  });

  it('revokes the key, after which the gateway refuses it', async () => {
    const row = page.getByTestId('keys-table').getByRole('row').filter({ hasText: 'laptop' });
    await row.getByRole('button', { name: 'Revoke key laptop' }).click();
    await page.getByRole('button', { name: 'Revoke key', exact: true }).click();
    await row.getByText('revoked').waitFor();
    await eventually(async () => expect((await chat(stack, secret)).status).toBe(401), 5_000);
  });
});
