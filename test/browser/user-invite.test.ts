// A new end user follows the operator's invite link, sets a password (twice, at least 12
// characters) and lands in their console; the link then no longer works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { InviteCreated } from '../../analytics-node/console/api-types';
import { launchBrowser, openContext, screenshot, signInAsUser } from './support/browser';
import { createInvite, createUser } from './support/console-api';
import { browserStack } from './support/stack';

const stack = browserStack();
const userId = 'browser-invitee';
let browser: Browser;
let invite: InviteCreated;

beforeAll(async () => {
  browser = await launchBrowser();
  await createUser(stack, userId);
  invite = await createInvite(stack, userId);
});
afterAll(async () => {
  await browser?.close();
});

describe('accepting an invite', () => {
  it('sets a password from the link, signs in, and the link is then spent', async () => {
    const context = await openContext(browser, stack);
    const page = await context.newPage();
    await page.goto(new URL(invite.url).pathname);
    await page.getByText(`account ${userId}`).waitFor();
    await screenshot(page, 'invite');

    await page.getByLabel('New password').fill('too-short');
    await page.getByLabel('Repeat the password').fill('too-short');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    expect(await page.getByTestId('invite-error').textContent()).toContain('at least 12 characters');

    await page.getByLabel('New password').fill('a-long-enough-password');
    await page.getByLabel('Repeat the password').fill('a-long-enough-passw0rd');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    expect(await page.getByTestId('invite-error').textContent()).toContain('not the same');

    await page.getByLabel('Repeat the password').fill('a-long-enough-password');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.waitForURL(/\/me\/?$/);
    expect(await page.getByTestId('identity').textContent()).toContain(userId);
    await context.close();

    // The password works from the sign-in page, and the invite is used up.
    const again = await openContext(browser, stack);
    const second = await again.newPage();
    await signInAsUser(second, userId, 'a-long-enough-password');
    await second.goto(new URL(invite.url).pathname);
    await second.getByText('This invitation cannot be used').waitFor();
    await again.close();
  });
});
