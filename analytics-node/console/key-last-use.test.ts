// Keys' "last used" and 30-day spend come from the log (the worker's key rows do not track
// use): the user's key list and the operator's, through the console's routes.
import { afterEach, describe, expect, it } from 'vitest';
import { makeRecord } from '../test-support';
import type { UserKeyList } from './api-types-user';
import { ADMIN_KEY, NOW, call, harness, invitedUser, signIn, signed, type Harness } from './test-harness';

let h: Harness;
afterEach(async () => h?.close());

describe('keys: last used', () => {
  it('is never before any call, then the newest attempt of that key, for the user and the operator', async () => {
    h = await harness();
    const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
    const alice = await invitedUser(h, admin, 'alice');
    const before = (await (await call(h.app, alice, 'GET', '/api/me/keys')).json()) as UserKeyList;
    expect(before.data.map(({ id, last_used_at, spend_30d_usd }) => ({ id, last_used_at, spend_30d_usd }))).toEqual([{ id: 'key-alice', last_used_at: null, spend_30d_usd: 0 }]);

    const newest = NOW - 3 * 86_400_000 + 1234; // days ago, inside a day bucket with older attempts
    await h.store.ingest([
      makeRecord({ request_id: 'a-1', user_id: 'alice', key_id: 'key-alice', ts_start: NOW - 4 * 86_400_000, ts_end: NOW - 4 * 86_400_000 + 900, price_usd: 0.25 }),
      makeRecord({ request_id: 'a-2', user_id: 'alice', key_id: 'key-alice', ts_start: newest, ts_end: newest + 900, price_usd: 0.5 }),
      makeRecord({ request_id: 'a-3', user_id: 'alice', key_id: 'key-alice', ts_start: newest - 60_000, ts_end: newest - 59_000, price_usd: 0.125 }),
      makeRecord({ request_id: 'b-1', user_id: 'bob', key_id: 'key-bob', ts_start: NOW - 1000, ts_end: NOW, price_usd: 0.7 }),
    ]);
    const after = (await (await call(h.app, alice, 'GET', '/api/me/keys')).json()) as UserKeyList;
    expect(after.data.map(({ id, last_used_at, spend_30d_usd }) => ({ id, last_used_at, spend_30d_usd }))).toEqual([{ id: 'key-alice', last_used_at: newest, spend_30d_usd: 0.875 }]);

    const operator = (await (await call(h.app, admin, 'GET', '/api/admin/keys')).json()) as { data: { id: string; last_used_at: number | null }[] };
    expect(Object.fromEntries(operator.data.map((key) => [key.id, key.last_used_at]))).toEqual({ 'key-alice': newest, 'key-bob': NOW - 1000 });
    const one = (await (await call(h.app, admin, 'GET', '/api/admin/keys/key-bob')).json()) as { last_used_at: number | null };
    expect(one.last_used_at).toBe(NOW - 1000);
  });
});
