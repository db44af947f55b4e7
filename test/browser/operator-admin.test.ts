// Users, keys, groups, models and economics from the operator's console: create a user, top
// them up, invite them (the link shown once), issue a key (shown once) that works against the
// worker, revoke it; edit a group and a price; read the economics of the traffic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openContext, screenshot, signInAsAdmin } from './support/browser';
import { adminCall, chat, consoleJson } from './support/console-api';
import { browserStack } from './support/stack';
import type { InvitePreview } from '../../analytics-node/console/api-types';
import { flushLogs, traffic } from './operator-support';

const stack = browserStack();
const USER = 'browser-admin-made';
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await openContext(browser, stack)).newPage();
  await signInAsAdmin(page, stack);
});
afterAll(async () => {
  await browser?.close();
});

async function user(id: string): Promise<{ balance_usd: number; budget_monthly_usd: number | null; group: string }> {
  return (await (await adminCall(stack, 'GET', `/admin/users/${id}`)).json()) as { balance_usd: number; budget_monthly_usd: number | null; group: string };
}

describe('users', () => {
  it('creates a user, tops them up and sets a budget', async () => {
    await page.goto('/ops/users');
    await page.getByRole('button', { name: 'Create user' }).click();
    const create = page.getByRole('dialog');
    await create.getByLabel('Id').fill(USER);
    await create.getByLabel('Opening balance (USD)').fill('5');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.waitFor({ state: 'detached' });
    const row = page.getByTestId('users-table').getByRole('row').filter({ hasText: USER });
    await row.waitFor();
    expect((await user(USER)).balance_usd).toBe(5);

    await row.getByRole('button', { name: `Top up ${USER}` }).click();
    const topUp = page.getByRole('dialog');
    await topUp.getByLabel('Amount (USD)').fill('7.5');
    await topUp.getByRole('button', { name: 'Add credit' }).click();
    await topUp.waitFor({ state: 'detached' });
    await row.filter({ hasText: '$12.50' }).waitFor();
    expect((await user(USER)).balance_usd).toBe(12.5);

    await row.getByRole('button', { name: `Edit ${USER}` }).click();
    const edit = page.getByRole('dialog');
    await edit.getByLabel('Monthly budget (USD, empty for none)').fill('40');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    expect((await user(USER)).budget_monthly_usd).toBe(40);
  });

  it('invites the user: the link is shown once and opens the invite', async () => {
    const row = page.getByTestId('users-table').getByRole('row').filter({ hasText: USER });
    await row.getByRole('button', { name: `Invite ${USER}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create invite link' }).click();
    const url = (await page.getByTestId('invite-url').textContent()) ?? '';
    expect(url).toMatch(new RegExp(`^${stack.consoleUrl}/invite/`));
    const token = url.split('/invite/')[1]!;
    expect((await consoleJson<InvitePreview>(stack, null, 'GET', `/api/invites/${token}`)).user_id).toBe(USER);
    await screenshot(page, 'operator-users');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(token);
  });
});

describe('keys', () => {
  it('issues a key shown once that works against the worker, then revokes it', async () => {
    await page.goto(`/ops/keys?user=${USER}`);
    await page.getByRole('button', { name: 'Issue key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('User').selectOption(USER);
    await dialog.getByLabel('Name').fill('ops-issued');
    await dialog.getByLabel('Requests per minute (empty for none)').fill('120');
    await dialog.getByRole('button', { name: 'Issue key' }).click();
    const key = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(key).toMatch(/^sk-sb-[0-9a-f]{48}$/);
    await page.getByRole('button', { name: 'Done' }).click();
    const row = page.getByTestId('keys-table').getByRole('row').filter({ hasText: 'ops-issued' });
    await row.waitFor();
    expect(await row.textContent()).toContain('120 / ∞');
    expect(await page.content()).not.toContain(key);

    const answer = await chat(stack, key);
    expect(answer.status).toBe(200);
    await screenshot(page, 'operator-keys');

    page.once('dialog', (confirm) => void confirm.accept());
    await row.getByRole('button', { name: 'Revoke key ops-issued' }).click();
    await row.filter({ hasText: 'revoked' }).waitFor();
    const refused = await eventuallyStatus(() => chat(stack, key), 401);
    expect(refused).toBe(401);
  });
});

describe('groups and models', () => {
  it('edits a group multiplier and a model price', async () => {
    await page.goto('/ops/groups');
    await page.getByRole('button', { name: 'Create group' }).click();
    const create = page.getByRole('dialog');
    await create.getByLabel('Id').fill('browser-group');
    await create.getByLabel('Price multiplier').fill('1.25');
    await create.getByLabel('Routing mode').selectOption('economy');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.waitFor({ state: 'detached' });
    await page.getByTestId('groups-table').getByRole('row').filter({ hasText: 'browser-group' }).filter({ hasText: 'economy' }).waitFor();
    await screenshot(page, 'operator-groups');

    await page.goto('/ops/models');
    await page.getByRole('button', { name: 'Add model' }).click();
    const add = page.getByRole('dialog');
    await add.getByLabel('Id').fill('browser-model');
    await add.getByLabel('Input $/Mtok', { exact: true }).fill('1');
    await add.getByLabel('Output $/Mtok', { exact: true }).fill('3');
    await add.getByRole('button', { name: 'Add model' }).click();
    await add.waitFor({ state: 'detached' });
    const row = page.getByTestId('models-table').getByRole('row').filter({ hasText: 'browser-model' });
    await row.getByRole('button', { name: 'Edit prices of browser-model' }).click();
    const edit = page.getByRole('dialog');
    await edit.getByLabel('Output $/Mtok', { exact: true }).fill('4');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    const stored = (await (await adminCall(stack, 'GET', '/admin/models/browser-model')).json()) as { price: { output_per_mtok: number } };
    expect(stored.price.output_per_mtok).toBe(4);
    await screenshot(page, 'operator-models');
  });
});

describe('economics', () => {
  it('shows revenue, cost and margin by channel and by user for the range', async () => {
    await traffic(stack, stack.demoKey, 8);
    await flushLogs(stack);
    await page.goto('/ops/economics');
    await page.getByTestId('economics-table').getByRole('row').nth(1).waitFor();
    await page.getByTestId('economics-revenue').filter({ hasText: /\$\d/ }).waitFor();
    await page.getByLabel('By', { exact: true }).selectOption('user');
    await page.getByTestId('economics-table').getByRole('row').filter({ hasText: 'demo' }).waitFor();
    await screenshot(page, 'operator-economics');
  });
});

async function eventuallyStatus(call: () => Promise<Response>, status: number, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await call();
    await response.arrayBuffer();
    if (response.status === status || Date.now() > deadline) return response.status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
