// From a window of logged attempts and score history to a ReplayModel (pure): the requests as
// they arrived, each channel × model's behaviour in buckets, its cost rates, the models'
// prices, hard-down periods, and the score table the real router held when the window opened.
import type { ReplayAttemptRow, ScoreHistoryRow } from '../../../analytics-node/replay/replay-queries';
import { PROTOCOLS, type ChannelScore, type Protocol, type TokenPrice } from '../../../worker/core/types';
import { channelBuckets, downPeriods } from './channel-buckets';
import { loggedRequests } from './logged-requests';
import type { DownPeriod, ReplayChannel, ReplayModel } from './replay-model';
import { fitTokenRates, type MoneySample } from './token-rates';

export const DEFAULT_BUCKET_MS = 10_000;

export interface ReconstructOptions {
  from: number;
  to: number;
  bucket_ms?: number;
}

export function reconstruct(rows: readonly ReplayAttemptRow[], history: readonly ScoreHistoryRow[], options: ReconstructOptions): ReplayModel {
  const { from, to } = options;
  const bucketMs = options.bucket_ms ?? DEFAULT_BUCKET_MS;
  const buckets = Math.max(1, Math.ceil((to - from) / bucketMs));
  const inWindow = rows.filter((row) => row.ts_start >= from && row.ts_start < to);
  const { requests, logged } = loggedRequests(inWindow, from);

  const byPair = groupBy(inWindow, (row) => `${row.channel_id}\u0000${row.model}`);
  const fitted = new Map<string, TokenPrice | null>();
  for (const [key, list] of byPair) fitted.set(key, fitTokenRates(list.map(moneyOf('cost'))));
  const channels: ReplayChannel[] = [];
  for (const [key, list] of byPair) {
    const first = list[0]!;
    channels.push({
      channel_id: first.channel_id,
      model: first.model,
      dialect: (PROTOCOLS as readonly string[]).includes(first.dialect) ? (first.dialect as Protocol) : 'openai',
      cost: fitted.get(key) ?? modelAverage(first.model, fitted) ?? { input_per_mtok: 0, output_per_mtok: 0 },
      buckets: channelBuckets(list, from, bucketMs, buckets),
    });
  }
  channels.sort((a, b) => (a.channel_id === b.channel_id ? a.model.localeCompare(b.model) : a.channel_id.localeCompare(b.channel_id)));

  const prices = new Map<string, TokenPrice>();
  for (const [model, list] of groupBy(inWindow.filter((row) => row.error_class === 'none' && row.final), (row) => row.model)) {
    prices.set(model, fitTokenRates(list.map(moneyOf('price'))) ?? { input_per_mtok: 0, output_per_mtok: 0 });
  }
  for (const request of requests) if (!prices.has(request.model)) prices.set(request.model, { input_per_mtok: 0, output_per_mtok: 0 });

  const down_periods: DownPeriod[] = [];
  for (const [channel_id, list] of groupBy(inWindow, (row) => row.channel_id)) {
    down_periods.push(...downPeriods(channel_id, list, from, bucketMs, buckets));
  }

  const opening = history.filter((row) => row.computed_at <= from);
  const openingAt = opening.length === 0 ? null : Math.max(...opening.map((row) => row.computed_at));
  return {
    from,
    to,
    bucket_ms: bucketMs,
    requests,
    channels,
    prices,
    down_periods,
    logged,
    initial_scores: history.filter((row) => row.computed_at === openingAt).map(channelScore),
    score_versions: new Set(history.filter((row) => row.computed_at > from).map((row) => row.version)).size,
  };
}

function moneyOf(kind: 'cost' | 'price'): (row: ReplayAttemptRow) => MoneySample {
  return (row) => ({
    uncached_input: Math.max(0, row.input_tokens - row.cached_input_tokens),
    cached_input: row.cached_input_tokens,
    output: row.output_tokens,
    amount_usd: kind === 'cost' ? row.cost_usd : row.price_usd,
  });
}

/** A pair that never charged anything in the window costs what its model costs elsewhere. */
function modelAverage(model: string, fitted: Map<string, TokenPrice | null>): TokenPrice | null {
  const known = [...fitted.entries()].filter(([key, rates]) => rates !== null && key.endsWith(`\u0000${model}`)).map(([, rates]) => rates!);
  if (known.length === 0) return null;
  const mean = (pick: (rates: TokenPrice) => number) => known.reduce((sum, rates) => sum + pick(rates), 0) / known.length;
  return { input_per_mtok: mean((rates) => rates.input_per_mtok), output_per_mtok: mean((rates) => rates.output_per_mtok) };
}

function channelScore(row: ScoreHistoryRow): ChannelScore {
  return {
    channel_id: row.channel_id,
    model: row.model,
    success_p: row.success_p,
    ttft_p50_ms: row.ttft_p50_ms,
    ttft_p95_ms: row.ttft_p95_ms,
    tokens_per_s: row.tokens_per_s,
    error_mix: { rate_limit: row.error_rate_limit, server: row.error_server, timeout: row.error_timeout, connection: row.error_connection },
    samples: row.samples,
    last_ts: row.last_ts,
    down: row.down,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    let list = groups.get(name);
    if (list === undefined) groups.set(name, (list = []));
    list.push(item);
  }
  return groups;
}
