// One headless Chromium per test file (Debian's, driven by playwright-core), pages at
// 1280×800 on the console's origin, and the sign-in steps a person would take.
import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../../../scripts/stack';
import type { BrowserStack } from './stack';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
}

export interface PageOptions {
  /** IANA zone the browser reports (Playwright's emulation): the console's default zone. */
  timezoneId?: string;
}

export async function openContext(browser: Browser, stack: BrowserStack, options: PageOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: stack.consoleUrl,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
}

export async function signInAsAdmin(page: Page, stack: BrowserStack): Promise<void> {
  await page.goto('/sign-in');
  await page.getByRole('tab', { name: 'Operator' }).click();
  await page.getByLabel('Admin key').fill(stack.adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/ops/);
}

export async function signInAsUser(page: Page, userId: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('User id').fill(userId);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/me/);
}

/** docs/screenshots/<name>.png, the README's pictures of each screen. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const directory = path.join(ROOT, 'docs/screenshots');
  await fs.mkdir(directory, { recursive: true });
  await page.screenshot({ path: path.join(directory, `${name}.png`), fullPage: false });
}
