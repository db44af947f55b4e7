import { describe, expect, it } from 'vitest';
import { validateConfig } from '../config/schema';
import { scalePrice } from '../catalog/catalog';
import { usageCost, usageOf } from '../core/metering';
import { effectivePrice, priceColumns, storedPrice } from './price-columns';

const anthropicLike = { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3, cache_write_per_mtok: 3.75, cache_write_1h_per_mtok: 6 };

describe('price columns', () => {
  it('round-trip every rate under either prefix', () => {
    expect(priceColumns('price', anthropicLike)).toEqual({
      price_input_per_mtok: 3,
      price_output_per_mtok: 15,
      price_cached_input_per_mtok: 0.3,
      price_cache_write_per_mtok: 3.75,
      price_cache_write_1h_per_mtok: 6,
    });
    expect(storedPrice('cost', priceColumns('cost', anthropicLike))).toEqual(anthropicLike);
  });

  it('store absent rates as null and show them absent again', () => {
    const columns = priceColumns('cost', { input_per_mtok: 1, output_per_mtok: 2 });
    expect(columns).toMatchObject({ cost_cached_input_per_mtok: null, cost_cache_write_per_mtok: null, cost_cache_write_1h_per_mtok: null });
    expect(storedPrice('cost', columns)).toEqual({ input_per_mtok: 1, output_per_mtok: 2 });
  });
});

describe('effective and scaled prices', () => {
  it.each([
    ['nothing set', { input_per_mtok: 2, output_per_mtok: 8 }, { cached_input_per_mtok: 2, cache_write_per_mtok: 2, cache_write_1h_per_mtok: 2 }],
    ['a 5-minute write rate only', { input_per_mtok: 2, output_per_mtok: 8, cache_write_per_mtok: 2.5 }, { cache_write_per_mtok: 2.5, cache_write_1h_per_mtok: 2.5 }],
    ['all set', anthropicLike, anthropicLike],
  ])('fill the fallbacks usageCost uses (%s)', (_, price, expected) => {
    const full = effectivePrice(price);
    expect(full).toMatchObject(expected);
    const usage = usageOf({ input_tokens: 10_000, cached_input_tokens: 1_000, cache_write_tokens: 2_000, cache_write_1h_tokens: 3_000, output_tokens: 500 });
    expect(usageCost(usage, full)).toBeCloseTo(usageCost(usage, price), 15);
  });

  it('multiply cache reads and both write rates by the group multiplier', () => {
    expect(scalePrice(anthropicLike, 2)).toEqual({
      input_per_mtok: 6,
      output_per_mtok: 30,
      cached_input_per_mtok: 0.6,
      cache_write_per_mtok: 7.5,
      cache_write_1h_per_mtok: 12,
    });
  });
});

describe('config documents', () => {
  const base = {
    models: [{ id: 'm', price: { input_per_mtok: 3, output_per_mtok: 15, cache_write_per_mtok: 3.75, cache_write_1h_per_mtok: 6 } }],
    channels: [
      {
        id: 'c',
        type: 'openai-responses',
        base_url: 'http://127.0.0.1:8790/c',
        models: [{ model: 'm', cost: { input_per_mtok: 2, output_per_mtok: 10, cache_write_per_mtok: 2.5, cache_write_1h_per_mtok: 4 } }],
      },
    ],
  };

  it('accept cache-write prices and costs and the openai-responses channel type', () => {
    const result = validateConfig(base);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.models[0]!.price.cache_write_1h_per_mtok).toBe(6);
    expect(result.value.channels[0]!.models[0]!.cost.cache_write_per_mtok).toBe(2.5);
  });

  it('name the bad field of a negative cache-write rate', () => {
    const bad = structuredClone(base);
    (bad.channels[0]!.models[0]!.cost as Record<string, number>).cache_write_1h_per_mtok = -1;
    const result = validateConfig(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.path).toBe('channels[0].models[0].cost.cache_write_1h_per_mtok');
  });
});
