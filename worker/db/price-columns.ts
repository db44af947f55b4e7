// A TokenPrice as D1 columns and back: models store what we charge (`price_*`), channel-model
// links what we pay (`cost_*`). One mapping, so that config apply, the admin API and the
// catalog can never disagree about which column holds which rate. Pure.
import type { TokenPrice } from '../core/types';

type Rate = keyof TokenPrice;
export type PriceColumns<Prefix extends 'price' | 'cost'> = {
  [K in Rate as `${Prefix}_${K}`]-?: undefined extends TokenPrice[K] ? number | null : number;
};

/** The columns for a price; optional rates the price leaves out are stored as null (use the fallback). */
export function priceColumns<Prefix extends 'price' | 'cost'>(prefix: Prefix, price: TokenPrice): PriceColumns<Prefix> {
  const columns = {
    [`${prefix}_input_per_mtok`]: price.input_per_mtok,
    [`${prefix}_output_per_mtok`]: price.output_per_mtok,
    [`${prefix}_cached_input_per_mtok`]: price.cached_input_per_mtok ?? null,
    [`${prefix}_cache_write_per_mtok`]: price.cache_write_per_mtok ?? null,
    [`${prefix}_cache_write_1h_per_mtok`]: price.cache_write_1h_per_mtok ?? null,
  };
  return columns as PriceColumns<Prefix>;
}

/** The price as stored: optional rates that are null stay absent (an admin answer shows what was set). */
export function storedPrice<Prefix extends 'price' | 'cost'>(prefix: Prefix, row: PriceColumns<Prefix>): TokenPrice {
  const read = (rate: Rate): number | null => (row as Record<string, number | null>)[`${prefix}_${rate}`] ?? null;
  const price: TokenPrice = { input_per_mtok: read('input_per_mtok') ?? 0, output_per_mtok: read('output_per_mtok') ?? 0 };
  for (const rate of ['cached_input_per_mtok', 'cache_write_per_mtok', 'cache_write_1h_per_mtok'] as const) {
    const value = read(rate);
    if (value !== null) price[rate] = value;
  }
  return price;
}

/**
 * Every rate filled in by the documented fallbacks (core/metering.ts usageCost): reads and
 * 5-minute writes at the input rate, 1-hour writes at the 5-minute write rate. The catalog
 * holds prices in this form so that what /v1/models shows is what usageCost charges.
 */
export function effectivePrice(price: TokenPrice): Required<TokenPrice> {
  const cacheWrite = price.cache_write_per_mtok ?? price.input_per_mtok;
  return {
    input_per_mtok: price.input_per_mtok,
    output_per_mtok: price.output_per_mtok,
    cached_input_per_mtok: price.cached_input_per_mtok ?? price.input_per_mtok,
    cache_write_per_mtok: cacheWrite,
    cache_write_1h_per_mtok: price.cache_write_1h_per_mtok ?? cacheWrite,
  };
}
