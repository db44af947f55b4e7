// An operator adds a channel through the console (models, costs and a write-only credential),
// sees it in the list, edits it without the credential ever coming back, disables and
// re-enables it, and tests it now; the channel detail shows its timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openContext, screenshot, signInAsAdmin } from './support/browser';
import { adminCall } from './support/console-api';
import { browserStack } from './support/stack';
import { simulatorUrl, traffic, waitInPage } from './operator-support';

const stack = browserStack();
const CREDENTIAL = 'sk-browser-channel-literal-SECRET-4711';
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

async function channel(id: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await adminCall(stack, 'GET', `/admin/channels/${id}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('channels', () => {
  it('adds a channel with its models, costs and a credential through the UI', async () => {
    const simulator = await simulatorUrl(stack);
    await page.goto('/ops/channels');
    await page.getByRole('button', { name: 'Add channel' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Id').fill('browser-added');
    await dialog.getByLabel('Dialect').selectOption('openai');
    await dialog.getByLabel('Base URL').fill(`${simulator}/bolt-ai`);
    await dialog.getByLabel('API key').fill(CREDENTIAL);
    await dialog.getByLabel('Model', { exact: true }).selectOption('gpt-4o-mini');
    await dialog.getByLabel('Input', { exact: true }).fill('0.05');
    await dialog.getByLabel('Output', { exact: true }).fill('0.2');
    await dialog.getByRole('button', { name: 'Add a model' }).click();
    await dialog.locator('#channel-model-1').selectOption('claude-haiku');
    await dialog.locator('#channel-input-1').fill('0.5');
    await dialog.locator('#channel-output-1').fill('2');
    await dialog.getByRole('button', { name: 'Add channel' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByTestId('channels-table').getByRole('link', { name: 'browser-added' }).waitFor();
    const stored = await channel('browser-added');
    expect(stored.status).toBe(200);
    expect(stored.body.base_url).toBe(`${simulator}/bolt-ai`);
    expect(stored.body.models).toHaveLength(2);
    expect(stored.body.models).toEqual(expect.arrayContaining([
      { model: 'gpt-4o-mini', upstream_model: 'gpt-4o-mini', cost: expect.objectContaining({ input_per_mtok: 0.05, output_per_mtok: 0.2 }) },
      { model: 'claude-haiku', upstream_model: 'claude-haiku', cost: expect.objectContaining({ input_per_mtok: 0.5, output_per_mtok: 2 }) },
    ]));
    expect(stored.body.credential).toMatchObject({ storage: 'encrypted' });
  });

  it('edits the channel: the credential field starts empty, is not sent when left empty, and never appears', async () => {
    const row = page.getByTestId('channels-table').getByRole('row').filter({ hasText: 'browser-added' });
    await row.getByRole('button', { name: 'Edit browser-added' }).click();
    const dialog = page.getByRole('dialog');
    const secretField = dialog.locator('#channel-api-key');
    expect(await secretField.getAttribute('type')).toBe('password');
    expect(await secretField.inputValue()).toBe('');
    await dialog.getByLabel('Weight').fill('3');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const stored = await channel('browser-added');
    expect(stored.body.weight).toBe(3);
    // Still sealed: leaving the field empty kept the stored credential.
    expect(stored.body.api_key_set).toBe(true);
    expect(await page.content()).not.toContain(CREDENTIAL);
  });

  it('disables and re-enables the channel', async () => {
    const row = page.getByTestId('channels-table').getByRole('row').filter({ hasText: 'browser-added' });
    await row.getByRole('button', { name: 'Disable browser-added' }).click();
    await row.getByRole('button', { name: 'Re-enable browser-added' }).waitFor();
    expect((await channel('browser-added')).body.enabled).toBe(false);
    await row.getByRole('button', { name: 'Re-enable browser-added' }).click();
    await row.getByRole('button', { name: 'Disable browser-added' }).waitFor();
    expect((await channel('browser-added')).body.enabled).toBe(true);
  });

  it('tests the channel now and shows the result of one real request', async () => {
    const row = page.getByTestId('channels-table').getByRole('row').filter({ hasText: 'browser-added' });
    await row.getByRole('button', { name: 'Test browser-added now' }).click();
    const result = row.getByTestId('channel-test-result');
    await result.filter({ hasText: /ok|failed|\d{3}/ }).waitFor({ timeout: 20_000 });
    expect(await result.textContent()).toMatch(/^ok/);
  });

  it('shows the list with health numbers and a channel timeline', async () => {
    await traffic(stack, stack.demoKey, 12);
    await page.goto('/ops/channels');
    const table = page.getByTestId('channels-table');
    await table.getByRole('row').filter({ hasText: 'acme-east' }).waitFor();
    // The health columns come from the node: some channel carries traffic after the requests above.
    await waitInPage(page, 'a channel with a traffic share', async () =>
      (await page.getByTestId('channel-share').evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-share'))))).some((share) => share > 0),
    );
    await screenshot(page, 'operator-channels');
    await table.getByRole('link', { name: 'acme-east' }).click();
    await page.waitForURL(/\/ops\/channels\/acme-east$/);
    await page.getByRole('img', { name: /Success probability and traffic share of acme-east/ }).waitFor();
    expect(await page.getByTestId('credential-storage').textContent()).not.toContain('sk-');
    await screenshot(page, 'operator-channel-detail');
  });
});
