// Two nodes on one store (ClickHouse in production; here two session stores over one store):
// a session created on one is valid on the other, and a sign-out on one ends it on the other
// within RECHECK_MS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogStore } from '../log-store';
import { temporaryDirectory } from '../test-support';
import { createConsoleTables, writerOf } from './console-tables';
import { dialectOf } from './console-sql';
import { ConsoleSessionStore, RECHECK_MS } from './session-store';
import { consoleTestStore } from './test-store';

const temporary = temporaryDirectory();
let store: LogStore;
let clock = Date.UTC(2026, 10, 20, 12);

beforeAll(async () => {
  store = await consoleTestStore(temporary.dbPath);
  await createConsoleTables(writerOf(store), dialectOf(store));
});
afterAll(async () => {
  await store.close();
  temporary.remove();
});

describe('sessions shared by two nodes', () => {
  it('are valid on the node that did not create them, and end there after a sign-out elsewhere', async () => {
    const options = { store, write: writerOf(store), ttlMs: 3_600_000, csrfSecret: 'secret', now: () => clock };
    const first = await ConsoleSessionStore.open(options);
    const second = await ConsoleSessionStore.open(options);
    const { id, session } = await first.create({ kind: 'user', user_id: 'alice' });
    expect(second.get(id)).toBeNull(); // not in its memory…
    expect(await second.resolve(id)).toEqual(session); // …but in the store
    await first.revoke(id);
    expect(await second.resolve(id)).toEqual(session); // remembered for RECHECK_MS
    clock += RECHECK_MS;
    expect(await second.resolve(id)).toBeNull();
    expect(await first.resolve(id)).toBeNull();
  });
});
