// candidatesFor hands out the same candidate objects between requests, scaled or not: the
// router remembers its score lookups per candidate object (core/routing/candidate-scores.ts),
// which a fresh copy per request would defeat. Prices are still scaled, and a new catalog
// (an admin change) gets new objects.
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../core/types';
import { candidatesFor, type Catalog } from './catalog';

function candidate(channel_id: string, input: number): Candidate {
  return {
    channel_id,
    model: 'm',
    price: { input_per_mtok: input, output_per_mtok: 2 * input, cached_input_per_mtok: input / 10, cache_write_per_mtok: input, cache_write_1h_per_mtok: input },
  } as unknown as Candidate;
}

function catalogWith(list: Candidate[]): Catalog {
  return { models: new Map(), names: new Map(), channels: new Map(), candidates: new Map([['m', list]]), groups: new Map(), routing: {}, loaded_at: 0 };
}

describe('candidatesFor', () => {
  it('returns the same scaled objects for the same catalog, model and multiplier', () => {
    const catalog = catalogWith([candidate('a', 1), candidate('b', 3)]);
    const first = candidatesFor(catalog, 'm', 1.5);
    const second = candidatesFor(catalog, 'm', 1.5);
    expect(second).toBe(first);
    expect(first.map((entry) => entry.price.input_per_mtok)).toEqual([1.5, 4.5]);
    expect(first.map((entry) => entry.price.output_per_mtok)).toEqual([3, 9]);
    // The unscaled list is untouched and still the catalog's own.
    expect(candidatesFor(catalog, 'm', 1)).toBe(catalog.candidates.get('m'));
    expect(catalog.candidates.get('m')![0]!.price.input_per_mtok).toBe(1);
  });

  it('keeps multipliers, models and catalogs apart', () => {
    const list = [candidate('a', 1)];
    const catalog = catalogWith(list);
    expect(candidatesFor(catalog, 'm', 2)[0]!.price.input_per_mtok).toBe(2);
    expect(candidatesFor(catalog, 'm', 3)[0]!.price.input_per_mtok).toBe(3);
    expect(candidatesFor(catalog, 'other', 2)).toEqual([]);
    const reloaded = catalogWith([candidate('a', 5)]);
    expect(candidatesFor(reloaded, 'm', 2)[0]!.price.input_per_mtok).toBe(10);
    expect(candidatesFor(reloaded, 'm', 2)).not.toBe(candidatesFor(catalog, 'm', 2));
  });
});
