// The catalog cache under concurrent requests: one request reloads a stale catalog in the
// background while every request keeps the old copy (issue #10 item 7; issue 11: no request
// waits for a reload), and an admin change is never undone by a load that started before it.
import { describe, expect, it } from 'vitest';
import { CatalogCache, type Catalog } from './catalog';

const database = {} as D1Database;

function catalogAt(now: number): Catalog {
  return { models: new Map(), names: new Map(), channels: new Map(), candidates: new Map(), groups: new Map(), routing: {}, loaded_at: now };
}

/** A loader whose loads finish only when the test says so. */
function slowLoader() {
  const pending: Array<() => void> = [];
  let loads = 0;
  const load = (_database: D1Database, now: number) => {
    loads++;
    return new Promise<Catalog>((resolve) => pending.push(() => resolve(catalogAt(now))));
  };
  return { load, loads: () => loads, finishAll: () => pending.splice(0).forEach((finish) => finish()) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('CatalogCache', () => {
  it('serves the stale copy at once to every request while one reload runs in the background', async () => {
    const loader = slowLoader();
    const cache = new CatalogCache(1_000, loader.load);
    const first = cache.get(database, 0);
    loader.finishAll();
    const old = await first;

    const kept: Array<Promise<unknown>> = [];
    const during = Promise.all(Array.from({ length: 20 }, () => cache.get(database, 1_500, (promise) => kept.push(promise))));
    // The reload has not finished: nobody may be waiting for it.
    const results = await Promise.race([during, sleep(200).then(() => 'waited for the reload' as const)]);
    expect(results).not.toBe('waited for the reload');
    expect(loader.loads()).toBe(2);
    expect(kept).toHaveLength(1);
    for (const catalog of results as Catalog[]) expect(catalog).toBe(old);

    loader.finishAll();
    await Promise.all(kept);
    expect((await cache.get(database, 1_600)).loaded_at).toBe(1_500);
  });

  it('keeps serving the old copy when a background reload fails, and tries again after the TTL', async () => {
    let failing = false;
    let loads = 0;
    const cache = new CatalogCache(1_000, async (_database, now) => {
      loads++;
      if (failing) throw new Error('D1 unreachable');
      return catalogAt(now);
    });
    const old = await cache.get(database, 0);
    failing = true;
    const kept: Array<Promise<unknown>> = [];
    expect(await cache.get(database, 1_500, (promise) => kept.push(promise))).toBe(old);
    await Promise.all(kept);
    expect(await cache.get(database, 1_600)).toBe(old);
    expect(loads).toBe(2);
    failing = false;
    expect(await cache.get(database, 2_600, (promise) => kept.push(promise))).toBe(old);
    await Promise.all(kept);
    expect((await cache.get(database, 2_700)).loaded_at).toBe(2_600);
  });

  it('reloads again after the TTL when a reload never finished', async () => {
    const loader = slowLoader();
    const cache = new CatalogCache(1_000, loader.load);
    const first = cache.get(database, 0);
    loader.finishAll();
    await first;
    void cache.get(database, 1_500); // never finishes (a cancelled request)
    expect(loader.loads()).toBe(2);
    void cache.get(database, 2_000);
    expect(loader.loads()).toBe(2);
    void cache.get(database, 2_600);
    expect(loader.loads()).toBe(3);
  });

  it('does not keep a load that started before invalidate()', async () => {
    const loader = slowLoader();
    const cache = new CatalogCache(1_000, loader.load);
    const before = cache.get(database, 0);
    cache.invalidate();
    loader.finishAll();
    await before;
    const after = cache.get(database, 10);
    expect(loader.loads()).toBe(2);
    loader.finishAll();
    expect((await after).loaded_at).toBe(10);
  });
});
