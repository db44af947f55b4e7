// The key cache's reload ahead of expiry (worker/auth/key-store.ts): a key in use is reloaded
// in the background during the last fifth of its life, so no request waits on D1 for it, and
// a revocation still takes effect within one TTL.
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../worker/auth/key-store';

const ADMIN = { authorization: 'Bearer test-admin-key', 'content-type': 'application/json' };
const KEY = 'sk-key-store-test-0001';
const TTL_MS = 10_000;
const T0 = 1_000_000;

async function setStatus(status: 'active' | 'revoked'): Promise<void> {
  await env.DB.prepare(`UPDATE api_keys SET status = ? WHERE user_id = 'ks-user'`).bind(status).run();
}

describe('key store: reload ahead of expiry', () => {
  beforeAll(async () => {
    const response = await SELF.fetch('http://worker/admin/config', {
      method: 'POST',
      headers: ADMIN,
      body: JSON.stringify({
        models: [{ id: 'ks-m', price: { input_per_mtok: 1, output_per_mtok: 2 } }],
        channels: [],
        users: [{ id: 'ks-user', balance_usd: 1 }],
        keys: [{ user: 'ks-user', name: 'ks', key: KEY }],
      }),
    });
    expect(response.status).toBe(200);
  });

  it('serves a key in use past its first expiry without a synchronous reload', async () => {
    await setStatus('active');
    const store = new KeyStore(TTL_MS);
    const pending: Promise<unknown>[] = [];
    const waitUntil = (promise: Promise<unknown>) => void pending.push(promise);
    expect((await store.lookup(env.DB, KEY, T0, waitUntil))?.user_id).toBe('ks-user');
    expect(pending).toHaveLength(0);
    // In the last fifth of its life: one background reload, however many lookups.
    await store.lookup(env.DB, KEY, T0 + 8_500, waitUntil);
    await store.lookup(env.DB, KEY, T0 + 8_600, waitUntil);
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    // Revoked after the reload: the reloaded entry (valid to T0 + 18.5 s) is what serves, so
    // a lookup after the first expiry did not go to D1…
    await setStatus('revoked');
    expect((await store.lookup(env.DB, KEY, T0 + 12_000, waitUntil))?.user_id).toBe('ks-user');
    // …and the revocation holds once that entry expires: still within one TTL of the reload.
    expect(await store.lookup(env.DB, KEY, T0 + 18_501, waitUntil)).toBeNull();
  });

  it('picks up a revocation at the reload ahead of expiry', async () => {
    await setStatus('active');
    const store = new KeyStore(TTL_MS);
    const pending: Promise<unknown>[] = [];
    const waitUntil = (promise: Promise<unknown>) => void pending.push(promise);
    await store.lookup(env.DB, KEY, T0, waitUntil);
    await setStatus('revoked');
    expect((await store.lookup(env.DB, KEY, T0 + 9_000, waitUntil))?.user_id).toBe('ks-user');
    await Promise.all(pending);
    expect(await store.lookup(env.DB, KEY, T0 + 9_001, waitUntil)).toBeNull();
  });

  it('without waitUntil, reloads only once expired (the old behaviour)', async () => {
    await setStatus('active');
    const store = new KeyStore(TTL_MS);
    await store.lookup(env.DB, KEY, T0);
    await store.lookup(env.DB, KEY, T0 + 9_000);
    await setStatus('revoked');
    expect(await store.lookup(env.DB, KEY, T0 + 10_001)).toBeNull();
  });
});
