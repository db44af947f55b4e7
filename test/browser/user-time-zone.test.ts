// Day boundaries are the user's: a request at 23:30 in their zone counts for that day, not for
// the next day as it would in UTC. Records with chosen timestamps go in through the node's
// /ingest; the browser's zone is set with Playwright's timezoneId (the console's default zone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import { launchBrowser, openContext, signInAsUser } from './support/browser';
import { ingest, invitedUser, logRecord } from './support/console-api';
import { browserStack } from './support/stack';

dayjs.extend(utc);
dayjs.extend(timezone);

const stack = browserStack();
const zone = 'America/Los_Angeles';
let browser: Browser;
let user: { userId: string; password: string };
// Three days ago in the zone: 00:15 and 23:30 that day. At 23:30 Los Angeles it is already
// the next day in UTC (07:30 or 06:30), so UTC day boundaries would split the two.
const day = dayjs().tz(zone).startOf('day').subtract(3, 'day');
const dayLabel = day.format('YYYY-MM-DD');
const nextDayLabel = day.add(1, 'day').format('YYYY-MM-DD');
const early = day.add(15, 'minute').valueOf();
const late = day.add(23, 'hour').add(30, 'minute').valueOf();

beforeAll(async () => {
  browser = await launchBrowser();
  user = await invitedUser(stack, 'browser-zone');
  await ingest(stack, [
    logRecord({ request_id: 'zone-early', user_id: user.userId, key_id: 'zone-key', ts_start: early, price_usd: 0.25 }),
    logRecord({ request_id: 'zone-late', user_id: user.userId, key_id: 'zone-key', ts_start: late, price_usd: 0.5 }),
  ]);
});
afterAll(async () => {
  await browser?.close();
});

async function dayRows(timezoneId: string): Promise<Record<string, string>> {
  const context = await openContext(browser, stack, { timezoneId });
  const page = await context.newPage();
  await signInAsUser(page, user.userId, user.password);
  await page.goto('/me/usage?by=day&days=7');
  const table = page.getByTestId('usage-table');
  await table.getByRole('row').nth(1).getByRole('cell').first().waitFor();
  const rows: Record<string, string> = {};
  for (const row of await table.locator('tbody tr').all()) {
    const cells = await row.getByRole('cell').allTextContents();
    if (cells[0]) rows[cells[0]] = cells.join('|');
  }
  expect(await page.getByRole('combobox', { name: 'Time zone' }).textContent()).toBe(timezoneId);
  await context.close();
  return rows;
}

describe('time-zone day boundaries', () => {
  it("counts a request at 23:30 in the user's zone for that day", async () => {
    const rows = await dayRows(zone);
    expect(rows[dayLabel]).toBeDefined();
    expect(rows[dayLabel]!.split('|')[1]).toBe('2');
    expect(rows[dayLabel]).toContain('$0.7500');
    expect(rows[nextDayLabel]).toBeUndefined();
  });

  it('counts the same request for the next day when the user picks UTC', async () => {
    const rows = await dayRows('UTC');
    expect(rows[dayLabel]!.split('|')[1]).toBe('1');
    expect(rows[dayLabel]).toContain('$0.2500');
    expect(rows[nextDayLabel]!.split('|')[1]).toBe('1');
    expect(rows[nextDayLabel]).toContain('$0.5000');
  });
});
