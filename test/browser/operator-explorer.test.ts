// The routing explorer shows why a request went where it did: the candidates with their
// components and probabilities, the winner (the channel that answered a one-attempt request)
// with the router's reason, and the attempts as a waterfall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openContext, screenshot, signInAsAdmin } from './support/browser';
import { browserStack } from './support/stack';
import { flushLogs, userWithKey } from './operator-support';

const stack = browserStack();
let browser: Browser;
let page: Page;
let requestId = '';
let answeredBy = '';

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await openContext(browser, stack)).newPage();
  const key = await userWithKey(stack, 'browser-explorer', 10);
  const response = await fetch(`${stack.workerUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Route me.' }], max_tokens: 16 }),
  });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  requestId = response.headers.get('x-request-id') ?? '';
  answeredBy = response.headers.get('x-switchboard-channel') ?? '';
  expect(response.headers.get('x-switchboard-attempts')).toBe('1');
  await flushLogs(stack);
  await signInAsAdmin(page, stack);
});
afterAll(async () => {
  await browser?.close();
});

describe('routing explorer', () => {
  it('lists the decision among the recent ones, filtered by user', async () => {
    await page.goto('/ops/explorer?user=browser-explorer');
    const link = page.getByTestId('explorer-list').getByRole('link', { name: requestId.slice(0, 18) });
    await link.waitFor({ timeout: 20_000 });
    await link.click();
    await page.waitForURL(new RegExp(`/ops/explorer/${requestId}`));
  });

  it('shows the candidates, the winner and why, and the attempts', async () => {
    await page.goto(`/ops/explorer/${requestId}`);
    const view = page.getByTestId('decision-view');
    await view.waitFor();
    expect(await view.getByTestId('decision-winner').textContent()).toBe(answeredBy);
    expect(await view.getByTestId('decision-reason').textContent()).toMatch(/^Why: .{5,}/);
    const probabilities = await view.getByTestId('candidates').locator('tbody tr').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-probability'))));
    expect(probabilities.length).toBeGreaterThanOrEqual(2);
    expect(probabilities.reduce((sum, value) => sum + value, 0)).toBeCloseTo(1, 2);
    expect(await view.getByTestId('candidates').locator(`tr[data-channel="${answeredBy}"]`).textContent()).toContain('winner');
    const attempts = view.getByTestId('waterfall').locator('li');
    expect(await attempts.count()).toBe(1);
    expect(await attempts.first().getAttribute('data-channel')).toBe(answeredBy);
    await screenshot(page, 'operator-explorer');
  });
});
