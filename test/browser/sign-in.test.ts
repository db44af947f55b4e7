// Signing in through the console in a real browser: an operator with the admin key, an end
// user with their password, a wrong password refused, and sign-out revoking the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openContext, screenshot, signInAsAdmin, signInAsUser } from './support/browser';
import { consoleCall, invitedUser } from './support/console-api';
import { browserStack } from './support/stack';

const stack = browserStack();
let browser: Browser;
let user: { userId: string; password: string };

beforeAll(async () => {
  browser = await launchBrowser();
  user = await invitedUser(stack, 'browser-sign-in');
});
afterAll(async () => {
  await browser?.close();
});

describe('sign-in', () => {
  it('shows the sign-in page to a visitor without a session', async () => {
    const context = await openContext(browser, stack);
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForURL(/\/sign-in$/);
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    await screenshot(page, 'sign-in');
    await context.close();
  });

  it('signs an operator in with the admin key and out again, revoking the session', async () => {
    const context = await openContext(browser, stack);
    const page = await context.newPage();
    await signInAsAdmin(page, stack);
    await expect(page.getByTestId('identity').textContent()).resolves.toContain('owner');
    await page.getByRole('navigation', { name: 'Operator' }).getByRole('link', { name: 'Channels' }).waitFor();
    const cookie = (await context.cookies()).find((entry) => entry.name === 'sb_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    // The old cookie no longer opens a session: revoked on the server, not only forgotten.
    const stale = await consoleCall(stack, { cookie: `sb_session=${cookie!.value}`, csrf: '' }, 'GET', '/api/session');
    expect(stale.status).toBe(401);
    await context.close();
  });

  it('signs an end user in to their own console, not the operator one', async () => {
    const context = await openContext(browser, stack);
    const page = await context.newPage();
    await signInAsUser(page, user.userId, user.password);
    await expect(page.getByTestId('identity').textContent()).resolves.toContain(user.userId);
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Usage' }).waitFor();
    await page.goto('/ops/channels');
    await page.waitForURL(/\/me\/?$/);
    await context.close();
  });

  it('refuses a wrong password with a message and stays on sign-in', async () => {
    const context = await openContext(browser, stack);
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('User id').fill(user.userId);
    await page.getByLabel('Password').fill('not-the-password-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Wrong credentials');
    expect(page.url()).toMatch(/\/sign-in$/);
    expect((await context.cookies()).some((entry) => entry.name === 'sb_session')).toBe(false);
    await context.close();
  });
});
