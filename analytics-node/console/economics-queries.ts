// Economics over any range: revenue (Σ price_usd), cost (Σ cost_usd, failed attempts too),
// margin, requests (final attempts) and cache savings, grouped by channel, model, user or
// key; and the negative-margin requests themselves (a request's charge below its cost).
import type { LogStore } from '../log-store';
import type { EconomicsDimension, EconomicsReport, EconomicsRow, NegativeMarginRow } from './api-types';
import { round } from './overview-queries';
import { rangeSource } from './rollup-source';
import { consoleSql } from './console-sql';

const COLUMN: Record<EconomicsDimension, string> = { channel: 'channel_id', model: 'model', user: 'user_id', key: 'key_id' };

/** Catalog input and cache-read prices per model (USD per million tokens), for cache savings. */
export type CachePrices = Map<string, { input_per_mtok: number; cached_input_per_mtok: number }>;

interface GroupRow {
  key: string | null;
  total: boolean;
  margin: number;
  requests: number;
  revenue: number;
  cost: number;
  cached: number;
  savings: number | null;
}

export async function economics(store: LogStore, by: EconomicsDimension, from: number, to: number, prices: CachePrices | null): Promise<EconomicsReport> {
  // Attempt-level sums, no per-request grouping (that costs a hash table of every request id
  // in the range): a failed attempt's cost counts for the channel that failed, the charge for
  // the one that answered. Negative-margin requests are the /economics/negative query.
  // From a rollup (channel and model: hourly; user and key: daily per key) and the raw log at
  // the range's partial edges; sums and cache savings in SQL, exact (DECIMAL) to the totals.
  const kind = by === 'channel' || by === 'model' ? 'hourly' : 'keys';
  const source = await rangeSource(store, kind, { from, to });
  const values = [...source.values];
  const priceRows = [...(prices ?? new Map()).entries()].map(([model, price]) => {
    values.push(model, Math.max(0, price.input_per_mtok - price.cached_input_per_mtok));
    return `($${values.length - 1}, $${values.length}::DOUBLE)`;
  });
  // Hourly rows carry `final` as a key; daily key rows count final attempts and tokens apart.
  const requests = kind === 'hourly' ? 'CASE WHEN final THEN attempts ELSE 0 END' : 'final_attempts';
  const cached = kind === 'hourly' ? 'CASE WHEN final THEN cached_input_tokens ELSE 0 END' : 'final_cached_input_tokens';
  const priceTable = priceRows.length === 0 ? `(SELECT '' AS model, 0::DOUBLE AS delta WHERE FALSE)` : `(SELECT * FROM (VALUES ${priceRows.join(', ')}) p(model, delta))`;
  // Savings per row (its model's price gap: a join on a handful of models), then one group per
  // key: grouping by key × model first would build a group per pair (60k a day at 10M rows a
  // week). Totals are summed from the groups (exact: DECIMAL), not aggregated a second time.
  const rows = await consoleSql(store).query<GroupRow>(
    `WITH groups AS (
       SELECT s.${COLUMN[by]} AS key, sum(${requests}) AS requests, sum(price_usd) AS revenue, sum(cost_usd) AS cost,
         sum(${cached}) AS cached, sum(${cached} * coalesce(p.delta, 0)) AS savings
       FROM ${source.sql} s LEFT JOIN ${priceTable} p ON p.model = s.model GROUP BY 1)
     SELECT key, requests::DOUBLE AS requests, revenue::DOUBLE AS revenue, cost::DOUBLE AS cost, (revenue - cost)::DOUBLE AS margin,
       cached::DOUBLE AS cached, savings / 1e6 AS savings, FALSE AS total FROM groups
     UNION ALL
     SELECT NULL, coalesce(sum(requests), 0)::DOUBLE, coalesce(sum(revenue), 0)::DOUBLE, coalesce(sum(cost), 0)::DOUBLE,
       coalesce(sum(revenue) - sum(cost), 0)::DOUBLE, coalesce(sum(cached), 0)::DOUBLE, coalesce(sum(savings), 0) / 1e6, TRUE FROM groups`,
    values,
  );
  const finish = (row: GroupRow): EconomicsRow => ({
    key: row.key ?? '',
    requests: row.requests,
    revenue_usd: row.revenue,
    cost_usd: row.cost,
    margin_usd: row.margin,
    margin_pct: row.revenue > 0 ? round((100 * row.margin) / row.revenue, 2) : null,
    cached_input_tokens: row.cached,
    cache_savings_usd: prices === null ? null : (row.savings ?? 0),
  });
  const totalsRow = rows.find((row) => row.total) ?? { key: null, total: true, margin: 0, requests: 0, revenue: 0, cost: 0, cached: 0, savings: 0 };
  const { key: _key, ...total } = finish(totalsRow);
  const groups = rows.filter((row) => !row.total).map(finish).sort((a, b) => b.revenue_usd - a.revenue_usd || (a.key < b.key ? -1 : 1));
  return { from, to, by, groups, totals: total };
}

export async function negativeMargin(store: LogStore, from: number, to: number, limit: number): Promise<NegativeMarginRow[]> {
  const db = consoleSql(store);
  return db.query<NegativeMarginRow>(
    `SELECT request_id, min(ts_start)::DOUBLE AS ts, any_value(user_id) AS user_id, any_value(key_id) AS key_id,
       any_value(model) AS model, ${db.argMax('channel_id', 'attempt')} AS channel_id, count(*)::DOUBLE AS attempts,
       sum(price_usd)::DOUBLE AS revenue_usd, sum(cost_usd)::DOUBLE AS cost_usd, (sum(price_usd) - sum(cost_usd))::DOUBLE AS margin_usd
     FROM ${db.log} WHERE ts_start >= $1 AND ts_start < $2
     GROUP BY request_id HAVING sum(price_usd) < sum(cost_usd)
     ORDER BY margin_usd LIMIT ${limit}`,
    [from, to],
  );
}
