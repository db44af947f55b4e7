// What the operator browser tests share beyond support/: the simulator's control API (found
// through the worker's admin API, since a channel's base_url is <simulator>/<provider>), real
// traffic through the worker, and a client key of a fresh user.
import type { Page } from 'playwright-core';
import { adminCall, chat } from './support/console-api';
import type { BrowserStack } from './support/stack';

/** The simulator's origin, read from a configured channel's base URL. */
export async function simulatorUrl(stack: BrowserStack): Promise<string> {
  const response = await adminCall(stack, 'GET', '/admin/channels/acme-east');
  if (!response.ok) throw new Error(`GET /admin/channels/acme-east: ${response.status}`);
  const channel = (await response.json()) as { base_url: string };
  return new URL(channel.base_url).origin;
}

/** PATCH a simulated provider's behaviour (`{down: true}` takes it down). */
export async function patchProvider(stack: BrowserStack, name: string, patch: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${await simulatorUrl(stack)}/_sim/providers/${name}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  if (!response.ok) throw new Error(`simulator PATCH ${name}: ${response.status} ${await response.text()}`);
}

/** `count` real chat completions, `parallel` at a time; answers their statuses. */
export async function traffic(stack: BrowserStack, key: string, count: number, model = 'gpt-4o-mini', parallel = 4): Promise<number[]> {
  const statuses: number[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(parallel, count - start) }, async () => {
        const response = await chat(stack, key, model);
        await response.arrayBuffer();
        return response.status;
      }),
    );
    statuses.push(...batch);
  }
  return statuses;
}

/** A fresh user with a balance and one client key (worker admin API). */
export async function userWithKey(stack: BrowserStack, userId: string, balanceUsd = 20): Promise<string> {
  const user = await adminCall(stack, 'POST', '/admin/users', { id: userId, group: 'default', balance_usd: balanceUsd });
  if (user.status !== 201) throw new Error(`create user ${userId}: ${user.status} ${await user.text()}`);
  const key = await adminCall(stack, 'POST', '/admin/keys', { user: userId, name: `${userId}-key`, models: ['*'] });
  if (key.status !== 201) throw new Error(`create key: ${key.status} ${await key.text()}`);
  return ((await key.json()) as { key: string }).key;
}

/** Make the worker ship its buffered log now, so the node has every attempt. */
export async function flushLogs(stack: BrowserStack): Promise<void> {
  await fetch(`${stack.workerUrl}/internal/flush`, { method: 'POST', headers: { authorization: `Bearer ${stack.internalSecret}` } });
}

/** Wait for a condition evaluated in the page (polling), with a readable failure. */
export async function waitInPage(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(300);
  }
}
