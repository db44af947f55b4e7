// A user can never reach another user's data: not through the console's API with their own
// session (ids of the other user's keys and requests, user filters), and not in the UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { UserKeyCreated, UserRequestPage, UsageReport } from '../../analytics-node/console/api-types';
import { launchBrowser, openContext, screenshot, signInAsUser } from './support/browser';
import { chat, consoleCall, consoleJson, eventually, invitedUser, userSession, type ApiSession } from './support/console-api';
import { browserStack } from './support/stack';

const stack = browserStack();
let browser: Browser;
let alice: ApiSession;
let bob: ApiSession;
let bobKey: UserKeyCreated;
let aliceKey: UserKeyCreated;
const aliceUser = { userId: '', password: '' };

beforeAll(async () => {
  browser = await launchBrowser();
  Object.assign(aliceUser, await invitedUser(stack, 'browser-alice'));
  const bobUser = await invitedUser(stack, 'browser-bob');
  alice = await userSession(stack, aliceUser.userId, aliceUser.password);
  bob = await userSession(stack, bobUser.userId, bobUser.password);
  aliceKey = await consoleJson<UserKeyCreated>(stack, alice, 'POST', '/api/me/keys', { name: 'alice-key' });
  bobKey = await consoleJson<UserKeyCreated>(stack, bob, 'POST', '/api/me/keys', { name: 'bob-key' });
  expect((await chat(stack, aliceKey.key)).status).toBe(200);
  expect((await chat(stack, bobKey.key, 'claude-haiku')).status).toBe(200);
  await eventually(async () => {
    const page = await consoleJson<UserRequestPage>(stack, bob, 'GET', '/api/me/requests');
    expect(page.rows.length).toBe(1);
    const own = await consoleJson<UserRequestPage>(stack, alice, 'GET', '/api/me/requests');
    expect(own.rows.length).toBe(1);
  });
});
afterAll(async () => {
  await browser?.close();
});

describe("another user's data", () => {
  it("refuses changes to another user's key from a user session", async () => {
    const revoke = await consoleCall(stack, alice, 'DELETE', `/api/me/keys/${bobKey.id}`);
    expect([403, 404]).toContain(revoke.status);
    const rename = await consoleCall(stack, alice, 'PATCH', `/api/me/keys/${bobKey.id}`, { name: 'stolen' });
    expect([403, 404]).toContain(rename.status);
    // Bob's key still works: nothing happened to it.
    expect((await chat(stack, bobKey.key, 'claude-haiku')).status).toBe(200);
  });

  it('keeps the lists, usage and filters to the signed-in user whatever the query says', async () => {
    const keys = await consoleJson<{ data: Array<{ id: string }> }>(stack, alice, 'GET', '/api/me/keys');
    expect(keys.data.map((key) => key.id)).toEqual([aliceKey.id]);
    const requests = await consoleJson<UserRequestPage>(stack, alice, 'GET', `/api/me/requests?user=browser-bob&key=${bobKey.id}`);
    expect(requests.rows.every((row) => row.key_id === aliceKey.id)).toBe(true);
    const usage = await consoleJson<UsageReport>(stack, alice, 'GET', '/api/me/usage?by=model&user=browser-bob');
    expect(usage.groups.map((group) => group.key)).toEqual(['gpt-4o-mini']);
    const csv = await consoleCall(stack, alice, 'GET', `/api/me/requests/export?format=csv&user=browser-bob`);
    expect(await csv.text()).not.toContain('claude-haiku');
  });

  it('refuses the operator API and the raw read APIs to a user session', async () => {
    for (const path of ['/api/admin/users', '/api/ops/log', '/api/ops/requests/x', '/api/admin/users/browser-bob/ledger']) {
      const response = await consoleCall(stack, alice, 'GET', path);
      expect([401, 403]).toContain(response.status);
    }
  });

  it("shows only the user's own requests and keys in the browser", async () => {
    const context = await openContext(browser, stack);
    const page = await context.newPage();
    await signInAsUser(page, aliceUser.userId, aliceUser.password);
    await page.goto('/me/requests');
    const table = page.getByTestId('requests-table');
    await table.getByRole('cell', { name: 'gpt-4o-mini' }).first().waitFor();
    expect(await table.textContent()).not.toContain('claude-haiku');
    expect(await table.textContent()).not.toContain(bobKey.id);
    await screenshot(page, 'user-requests');
    await page.goto('/me/keys');
    await page.getByTestId('keys-table').getByRole('cell', { name: 'alice-key', exact: true }).waitFor();
    expect(await page.getByTestId('keys-table').textContent()).not.toContain('bob-key');
    await context.close();
  });
});
