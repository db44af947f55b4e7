// The catalog cache under concurrent requests: one request reloads a stale catalog while the
// others keep the old copy (issue #10 item 7), and an admin change is never undone by a load
// that started before it.
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

describe('CatalogCache', () => {
  it('lets one request reload a stale catalog while the others use the old copy', async () => {
    const loader = slowLoader();
    const cache = new CatalogCache(1_000, loader.load);
    const first = cache.get(database, 0);
    loader.finishAll();
    const old = await first;

    const during = Array.from({ length: 20 }, () => cache.get(database, 1_500));
    expect(loader.loads()).toBe(2);
    loader.finishAll();
    const results = await Promise.all(during);
    expect(results.filter((catalog) => catalog === old)).toHaveLength(19);
    expect(results.filter((catalog) => catalog.loaded_at === 1_500)).toHaveLength(1);
    expect(await cache.get(database, 1_600)).toBe(results.find((catalog) => catalog.loaded_at === 1_500));
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
