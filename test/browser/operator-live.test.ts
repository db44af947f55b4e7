// The live overview: real requests through the worker appear in the numbers and the channel
// sparklines over the live stream (no reload); a simulated channel set down raises an
// incident in the feed and its traffic share falls on the channels page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openContext, screenshot, signInAsAdmin } from './support/browser';
import { browserStack } from './support/stack';
import { patchProvider, traffic, userWithKey, waitInPage } from './operator-support';

const stack = browserStack();
let browser: Browser;
let page: Page;
let key: string;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await openContext(browser, stack)).newPage();
  key = await userWithKey(stack, 'browser-live', 50);
  await signInAsAdmin(page, stack);
});
afterAll(async () => {
  await patchProvider(stack, 'cheap-gpu', { down: false }).catch(() => undefined);
  await browser?.close();
});

/** A request allowed only on one channel (OpenRouter's provider.only). */
async function pinned(apiKey: string, channel: string): Promise<void> {
  const response = await fetch(`${stack.workerUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'pinned' }], max_tokens: 8, provider: { only: [channel] } }),
  });
  await response.arrayBuffer();
}

const number = async (testId: string) => Number((await page.getByTestId(testId).textContent())?.replace(/[^0-9.]/g, '') || '0');

/** Attempts per channel as the overview's sparklines show them. */
async function sparklineCounts(): Promise<Record<string, number>> {
  const entries = await page
    .getByTestId('channel-sparklines')
    .locator('li')
    .evaluateAll((items) => items.map((item) => [item.getAttribute('data-channel') ?? '', Number(item.getAttribute('data-requests'))] as const));
  return Object.fromEntries(entries);
}

describe('live overview', () => {
  it('shows traffic sent through the worker arrive over the live stream, without a reload', async () => {
    await page.goto('/ops');
    await page.getByTestId('live-state').filter({ hasText: 'live' }).waitFor({ timeout: 20_000 });
    const before = await sparklineCounts();
    const statuses = await traffic(stack, key, 24);
    expect(statuses.every((status) => status === 200)).toBe(true);
    await waitInPage(page, 'the sparklines to count the new attempts', async () => {
      const after = await sparklineCounts();
      const added = Object.entries(after).reduce((sum, [channel, count]) => sum + count - (before[channel] ?? 0), 0);
      return added >= 24;
    });
    expect(await number('stat-rps')).toBeGreaterThan(0);
    expect(await page.getByTestId('stat-revenue').textContent()).toMatch(/\$\d/);
    await screenshot(page, 'operator-overview');
  });

  it('shows an incident and a falling share when a simulated channel goes down', async () => {
    // Only gpt-4o-mini traffic, which cheap-gpu serves among others; warm its statistics first.
    await traffic(stack, key, 30);
    await page.goto('/ops/channels');
    const row = () => page.getByTestId('channels-table').getByRole('row').filter({ hasText: 'cheap-gpu' });
    const share = async () => Number(await row().getByTestId('channel-share').getAttribute('data-share'));
    // Some traffic of its own first (pinned), so there is a share to fall from.
    await Promise.all([pinned(key, 'cheap-gpu'), pinned(key, 'cheap-gpu'), pinned(key, 'cheap-gpu')]);
    let shareBefore = 0;
    const warmDeadline = Date.now() + 20_000;
    while (shareBefore === 0) {
      if (Date.now() > warmDeadline) throw new Error('cheap-gpu never had a traffic share');
      await page.reload();
      await row().getByTestId('channel-share').waitFor();
      await page.waitForTimeout(500);
      shareBefore = await share();
    }

    await patchProvider(stack, 'cheap-gpu', { down: true });
    await page.goto('/ops');
    await page.getByTestId('live-state').filter({ hasText: 'live' }).waitFor({ timeout: 20_000 });
    // Keep traffic flowing until the node marks the channel down; the feed hears it live.
    const deadline = Date.now() + 45_000;
    const incident = page.getByTestId('incident-feed').locator('li[data-channel="cheap-gpu"][data-kind="down"]');
    while ((await incident.count()) === 0) {
      if (Date.now() > deadline) throw new Error('no "down" incident for cheap-gpu');
      // Requests pinned to the channel keep feeding the node its failures (the router itself
      // stops choosing a failing channel, which would leave the node without evidence).
      await Promise.all([traffic(stack, key, 4), pinned(key, 'cheap-gpu')]);
    }
    await screenshot(page, 'operator-overview-incident');

    // Once it is down, clients see no errors and the channel's share of the window falls.
    await page.goto('/ops/channels');
    await row().getByTestId('channel-status').filter({ hasText: 'down' }).waitFor({ timeout: 30_000 });
    const shareDeadline = Date.now() + 120_000;
    for (;;) {
      const statuses = await traffic(stack, key, 20);
      expect(statuses.every((status) => status === 200)).toBe(true);
      await page.reload();
      await row().waitFor();
      if ((await share()) < shareBefore) break;
      if (Date.now() > shareDeadline) throw new Error(`cheap-gpu's share stayed at ${await share()} (before: ${shareBefore})`);
    }
    expect(await row().textContent()).toMatch(/hour ago/);
    await screenshot(page, 'operator-channels-down');
  }, 240_000);
});
