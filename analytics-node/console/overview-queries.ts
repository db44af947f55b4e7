// The live overview: rates, error share, TTFT quantiles and money per minute over a recent
// window (by ts_end, like the scores), with a per-minute series and a sparkline per channel.
import type { LogStore } from '../log-store';
import type { ChannelSparkline, Overview, OverviewPoint } from './api-types';
import { consoleSql } from './console-sql';

const MINUTE_MS = 60_000;

export async function overview(store: LogStore, windowS: number, nowMs: number, scoreVersion: number): Promise<Overview> {
  const cutoff = Math.trunc(nowMs - windowS * 1000);
  const firstMinute = Math.floor(cutoff / MINUTE_MS) * MINUTE_MS;
  const minutes = Math.floor(nowMs / MINUTE_MS) - firstMinute / MINUTE_MS + 1;
  const db = consoleSql(store);
  const { money, quantile } = db;
  const minute = db.intDiv('ts_end', String(MINUTE_MS));
  const [totals] = await db.query<{ requests: number; errors: number; cost: number; revenue: number; p50: number | null; p95: number | null }>(
    `SELECT count(*)::DOUBLE AS requests, count(*) FILTER (WHERE error_class <> 'none')::DOUBLE AS errors,
       coalesce(sum(${money('cost_usd')}), 0)::DOUBLE AS cost, coalesce(sum(${money('price_usd')}), 0)::DOUBLE AS revenue,
       ${quantile('ttft_ms', 0.5)}::DOUBLE AS p50, ${quantile('ttft_ms', 0.95)}::DOUBLE AS p95
     FROM ${db.log} WHERE ts_end >= $1`,
    [cutoff],
  );
  // Counts and money per minute × channel, and TTFT per minute alone: a quantile sketch per
  // minute × channel (2,400 of them for an hour of 40 channels) cost more than the rest.
  const perMinute = await db.query<{ minute: number; channel_id: string; requests: number; errors: number; cost: number; revenue: number }>(
    `SELECT ${minute}::DOUBLE AS minute, channel_id, count(*)::DOUBLE AS requests,
       count(*) FILTER (WHERE error_class <> 'none')::DOUBLE AS errors,
       sum(${money('cost_usd')})::DOUBLE AS cost, sum(${money('price_usd')})::DOUBLE AS revenue
     FROM ${db.log} WHERE ts_end >= $1 GROUP BY ALL`,
    [firstMinute],
  );
  const ttftPerMinute = await db.query<{ minute: number; p50: number | null }>(
    `SELECT ${minute}::DOUBLE AS minute, ${quantile('ttft_ms', 0.5)}::DOUBLE AS p50
     FROM ${db.log} WHERE ts_end >= $1 GROUP BY ALL`,
    [firstMinute],
  );
  const series: OverviewPoint[] = Array.from({ length: minutes }, (_, index) => ({
    at: firstMinute + index * MINUTE_MS, requests: 0, errors: 0, cost_usd: 0, revenue_usd: 0, ttft_p50_ms: null,
  }));
  const channels = new Map<string, ChannelSparkline>();
  for (const row of perMinute) {
    const index = row.minute - firstMinute / MINUTE_MS;
    const point = series[index];
    if (!point) continue;
    point.requests += row.requests;
    point.errors += row.errors;
    point.cost_usd += row.cost;
    point.revenue_usd += row.revenue;
    let sparkline = channels.get(row.channel_id);
    if (!sparkline) {
      sparkline = { channel_id: row.channel_id, requests: new Array(minutes).fill(0), errors: new Array(minutes).fill(0) };
      channels.set(row.channel_id, sparkline);
    }
    sparkline.requests[index] = row.requests;
    sparkline.errors[index] = row.errors;
  }
  for (const row of ttftPerMinute) {
    const point = series[row.minute - firstMinute / MINUTE_MS];
    if (point && row.p50 !== null) point.ttft_p50_ms = round(row.p50, 1);
  }
  const t = totals!;
  const perMinuteFactor = 60 / windowS;
  const margin = t.revenue - t.cost;
  return {
    window_s: windowS,
    at: nowMs,
    score_version: scoreVersion,
    requests_per_s: round(t.requests / windowS, 3),
    error_pct: t.requests === 0 ? 0 : round((100 * t.errors) / t.requests, 2),
    ttft_p50_ms: t.p50 === null ? null : round(t.p50, 1),
    ttft_p95_ms: t.p95 === null ? null : round(t.p95, 1),
    cost_per_min_usd: t.cost * perMinuteFactor,
    revenue_per_min_usd: t.revenue * perMinuteFactor,
    margin_per_min_usd: margin * perMinuteFactor,
    margin_pct: t.revenue > 0 ? round((100 * margin) / t.revenue, 2) : null,
    series,
    channels: [...channels.values()].sort((a, b) => (a.channel_id < b.channel_id ? -1 : 1)),
  };
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
