// Economics over any range: revenue (Σ price_usd), cost (Σ cost_usd, failed attempts too),
// margin, requests (final attempts) and cache savings, grouped by channel, model, user or
// key; and the negative-margin requests themselves (a request's charge below its cost).
import type { LogStore } from '../log-store';
import type { EconomicsDimension, EconomicsReport, EconomicsRow, NegativeMarginRow } from './api-types';
import { round } from './overview-queries';

const COLUMN: Record<EconomicsDimension, string> = { channel: 'channel_id', model: 'model', user: 'user_id', key: 'key_id' };

/** Catalog input and cache-read prices per model (USD per million tokens), for cache savings. */
export type CachePrices = Map<string, { input_per_mtok: number; cached_input_per_mtok: number }>;

interface GroupModelRow {
  key: string;
  model: string;
  requests: number;
  revenue: number;
  cost: number;
  cached: number;
}

export async function economics(store: LogStore, by: EconomicsDimension, from: number, to: number, prices: CachePrices | null): Promise<EconomicsReport> {
  // Attempt-level sums, no per-request grouping (that costs a hash table of every request id
  // in the range): a failed attempt's cost counts for the channel that failed, the charge for
  // the one that answered. Negative-margin requests are the /economics/negative query.
  const rows = await store.query<GroupModelRow>(
    `SELECT ${COLUMN[by]} AS key, model, count(*) FILTER (WHERE final)::DOUBLE AS requests,
       sum(price_usd)::DOUBLE AS revenue, sum(cost_usd)::DOUBLE AS cost,
       coalesce(sum(cached_input_tokens) FILTER (WHERE final), 0)::DOUBLE AS cached
     FROM log WHERE ts_start >= $1 AND ts_start < $2 GROUP BY ALL`,
    [from, to],
  );
  const groups = new Map<string, EconomicsRow>();
  const totals = emptyRow('');
  for (const row of rows) {
    const group = groups.get(row.key) ?? emptyRow(row.key);
    groups.set(row.key, group);
    const price = prices?.get(row.model);
    const savings = prices === null ? null : price ? (row.cached * Math.max(0, price.input_per_mtok - price.cached_input_per_mtok)) / 1e6 : 0;
    for (const target of [group, totals]) {
      target.requests += row.requests;
      target.revenue_usd += row.revenue;
      target.cost_usd += row.cost;
      target.cached_input_tokens += row.cached;
      target.cache_savings_usd = savings === null || target.cache_savings_usd === null ? null : target.cache_savings_usd + savings;
    }
  }
  const finish = (row: EconomicsRow): EconomicsRow => ({
    ...row,
    margin_usd: row.revenue_usd - row.cost_usd,
    margin_pct: row.revenue_usd > 0 ? round((100 * (row.revenue_usd - row.cost_usd)) / row.revenue_usd, 2) : null,
  });
  const { key: _key, ...total } = finish(totals);
  return { from, to, by, groups: [...groups.values()].map(finish).sort((a, b) => b.revenue_usd - a.revenue_usd), totals: total };
}

function emptyRow(key: string): EconomicsRow {
  return { key, requests: 0, revenue_usd: 0, cost_usd: 0, margin_usd: 0, margin_pct: null, cached_input_tokens: 0, cache_savings_usd: 0 };
}

export async function negativeMargin(store: LogStore, from: number, to: number, limit: number): Promise<NegativeMarginRow[]> {
  return store.query<NegativeMarginRow>(
    `SELECT request_id, min(ts_start)::DOUBLE AS ts, any_value(user_id) AS user_id, any_value(key_id) AS key_id,
       any_value(model) AS model, arg_max(channel_id, attempt) AS channel_id, count(*)::DOUBLE AS attempts,
       sum(price_usd)::DOUBLE AS revenue_usd, sum(cost_usd)::DOUBLE AS cost_usd, (sum(price_usd) - sum(cost_usd))::DOUBLE AS margin_usd
     FROM log WHERE ts_start >= $1 AND ts_start < $2
     GROUP BY request_id HAVING sum(price_usd) < sum(cost_usd)
     ORDER BY margin_usd LIMIT ${limit}`,
    [from, to],
  );
}
