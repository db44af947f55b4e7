// One strategy over a replayed window: the logged requests arrive at their logged times (same
// model, tokens, stream flag and conversation), each attempt's fate is drawn from what its
// channel did in the log at that moment (replayed-channel.ts), and an in-memory analytics node
// recomputes scores from the replayed outcomes every push interval, starting from the score
// table the real router held when the window opened. Same RunResult as a scenario run.
import { seededRandom } from '../../../worker/core/routing/random';
import { ScoreIndex } from '../../../worker/core/routing/score-index';
import type { ConversationContext, RequestProfile } from '../../../worker/core/routing/types';
import { computeScores, DEFAULT_SCORING } from '../../../worker/core/scoring';
import type { Candidate, ChannelScore, TokenPrice } from '../../../worker/core/types';
import { BUCKET_MS, type RunResult } from '../engine';
import { EventQueue } from '../event-queue';
import type { AttemptResult } from '../upstream';
import type { IsolateRouter, RouteRequest, Strategy } from '../strategies/strategy';
import { WindowStatsStore } from '../window-stats';
import type { ReplayModel, ReplayRequest } from './replay-model';
import { ReplayedChannel } from './replayed-channel';

export interface ReplayOptions {
  isolates: number;
  seed: number;
  push_interval_s: number;
  window_s: number;
  recent_attempts: number;
  max_attempts: number;
  /** How long a channel's prompt cache keeps a conversation's prefix warm. */
  cache_ttl_s: number;
}

export const DEFAULT_REPLAY_OPTIONS: ReplayOptions = {
  isolates: 4, seed: 1, push_interval_s: 5, window_s: 60, recent_attempts: 20, max_attempts: 3, cache_ttl_s: 300,
};

interface Pending { request: ReplayRequest; isolate: number; order: Candidate[]; attempt: number }

export function replayStrategy(model: ReplayModel, strategy: Strategy, options: ReplayOptions = DEFAULT_REPLAY_OPTIONS): RunResult {
  const routingRandom = seededRandom(options.seed ^ 0x27d4eb2f);
  const upstreamRandom = seededRandom(options.seed ^ 0x5bd1e995);
  const isolateRandom = seededRandom(options.seed);
  const durationMs = model.to - model.from;
  const queue = new EventQueue();
  let now = 0;

  const pairs = new Map(model.channels.map((channel) => [`${channel.channel_id}\u0000${channel.model}`, new ReplayedChannel(channel, model.bucket_ms)]));
  const candidatesByModel = candidatesOf(model);
  const channelIds = [...new Set(model.channels.map((channel) => channel.channel_id))];
  const channelIndex = new Map(channelIds.map((id, index) => [id, index]));

  const stats = new WindowStatsStore(options.window_s, options.recent_attempts);
  const openingMs = options.window_s * 1000;
  let scores: ReadonlyMap<string, ChannelScore> = new ScoreIndex(model.initial_scores);
  const every = (interval: number, run: (at: number) => void): void => {
    const tick = (): void => {
      run(now);
      if (now + interval <= durationMs + 60_000) queue.push(now + interval, tick);
    };
    queue.push(interval, tick);
  };
  every(options.push_interval_s * 1000, (at) => {
    const computed = computeScores(stats.windowStats(at), { ...DEFAULT_SCORING, now: model.from + at });
    // The real router's table stands in for pairs not replayed yet, until a window has passed.
    scores = new ScoreIndex(at < openingMs ? [...model.initial_scores, ...computed] : computed);
  });

  const factory = strategy.start({
    isolates: options.isolates,
    random: routingRandom,
    probe: (channel_id) => [...pairs.values()].some((pair) => pair.channel_id === channel_id && pair.healthy(now, upstreamRandom)),
    every,
    clock: () => now,
  });
  const routers: IsolateRouter[] = Array.from({ length: options.isolates }, (_, isolate) => factory(isolate));
  const caches = new Map<string, Map<string, number>>(channelIds.map((id) => [id, new Map()]));
  const conversations = new Map<string, { channel_id: string; at: number }>();

  const buckets = Math.ceil(durationMs / BUCKET_MS);
  const result: RunResult = {
    strategy: strategy.name, requests: 0, successes: 0, attempts: 0, ttft_ms: [], e2e_ms: [], cost_usd: 0, revenue_usd: 0,
    channel_ids: channelIds, first_attempts: new Int32Array(buckets * channelIds.length), buckets,
    hedges: 0, hedge_cost_usd: 0, turns: 0, warm_turns: 0,
  };

  const startAttempt = (pending: Pending): void => {
    const { request } = pending;
    if (pending.attempt >= Math.min(pending.order.length, options.max_attempts)) return;
    const candidate = pending.order[pending.attempt]!;
    const pairKey = `${candidate.channel_id}\u0000${candidate.model}`;
    const channel = pairs.get(pairKey)!;
    const router = routers[pending.isolate]!;
    if (pending.attempt === 0) {
      const bucket = Math.floor(request.arrival_ms / BUCKET_MS);
      if (bucket < buckets) result.first_attempts[bucket * channelIds.length + channelIndex.get(candidate.channel_id)!]!++;
    }
    result.attempts++;
    const start = now;
    const outcome: AttemptResult = request.client_error
      ? { error_class: 'client', status: 400, ttft_ms: null, duration_ms: 50, output_tokens: 0 }
      : channel.attempt(request.output_tokens, now, upstreamRandom);
    const cache = caches.get(candidate.channel_id)!;
    const servedAt = request.conversation === null ? undefined : cache.get(request.conversation);
    const cached = servedAt !== undefined && start - servedAt <= options.cache_ttl_s * 1000 ? request.prefix_tokens : 0;
    router.started(candidate.channel_id, now);
    if (outcome.ttft_ms !== null && router.firstByte !== undefined) queue.push(start + outcome.ttft_ms, () => router.firstByte!(candidate.channel_id, now));
    queue.push(start + outcome.duration_ms, () => {
      const ok = outcome.error_class === 'none';
      router.ended(candidate.channel_id, { ok, error_class: outcome.error_class, ttft_ms: outcome.ttft_ms, duration_ms: outcome.duration_ms, output_tokens: outcome.output_tokens, ...(outcome.retry_after_s !== undefined ? { retry_after_s: outcome.retry_after_s } : {}) }, now);
      const generation = outcome.ttft_ms === null ? 0 : outcome.duration_ms - outcome.ttft_ms;
      stats.record(candidate.channel_id, candidate.model, model.from + now, outcome.error_class, outcome.ttft_ms, ok && generation > 0 ? (outcome.output_tokens / generation) * 1000 : null);
      if (outcome.ttft_ms !== null) result.cost_usd += charge(candidate.cost, request.input_tokens, cached, outcome.output_tokens);
      if (ok) {
        result.successes++;
        result.revenue_usd += charge(candidate.price, request.input_tokens, cached, outcome.output_tokens);
        result.ttft_ms.push(start + outcome.ttft_ms! - request.arrival_ms);
        result.e2e_ms.push(now - request.arrival_ms);
        if (request.prefix_tokens > 0) {
          result.turns!++;
          if (cached > 0) result.warm_turns!++;
        }
        if (request.conversation !== null) {
          cache.set(request.conversation, now);
          conversations.set(request.conversation, { channel_id: candidate.channel_id, at: model.from + now });
        }
        return;
      }
      if (outcome.error_class === 'client' || outcome.error_class === 'mid_stream') return;
      pending.attempt++;
      const next = pending.order[pending.attempt];
      const wait = next !== undefined && next.channel_id === candidate.channel_id ? (outcome.retry_after_s ?? 0) * 1000 : 0;
      if (wait > 0) queue.push(now + wait, () => startAttempt(pending));
      else startAttempt(pending);
    });
  };

  for (const request of model.requests) {
    queue.push(request.arrival_ms, () => {
      const isolate = Math.floor(isolateRandom() * options.isolates);
      result.requests++;
      const profile: RequestProfile = { models: [request.model], input_tokens: request.input_tokens, output_tokens: request.output_tokens, capabilities: [] };
      // Passed when the strategies take a conversation (issue 14); ignored by those that do not.
      const routeRequest: RouteRequest & { conversation?: ConversationContext } = {
        candidates: candidatesByModel.get(request.model) ?? [], scores, profile, max_attempts: options.max_attempts, now, random: routingRandom,
        ...(request.conversation === null ? {} : { conversation: conversationContext(request, conversations.get(request.conversation)) }),
      };
      const order = routeRequest.candidates.length === 0 ? [] : routers[isolate]!.route(routeRequest);
      startAttempt({ request, isolate, order, attempt: 0 });
    });
  }

  for (let event = queue.pop(); event !== undefined; event = queue.pop()) {
    if (event.at > durationMs + 600_000) break;
    now = event.at;
    event.run();
  }
  return result;
}

function conversationContext(request: ReplayRequest, last: { channel_id: string; at: number } | undefined): ConversationContext {
  return { key: request.conversation!, last_channel_id: last?.channel_id ?? null, last_served_at: last?.at ?? null, prefix_tokens: request.prefix_tokens };
}

function charge(rates: TokenPrice, input: number, cached: number, output: number): number {
  const cachedRate = rates.cached_input_per_mtok ?? rates.input_per_mtok;
  return ((input - cached) * rates.input_per_mtok + cached * cachedRate + output * rates.output_per_mtok) * 1e-6;
}

function candidatesOf(model: ReplayModel): Map<string, Candidate[]> {
  const byModel = new Map<string, Candidate[]>();
  for (const channel of model.channels) {
    let list = byModel.get(channel.model);
    if (list === undefined) byModel.set(channel.model, (list = []));
    list.push({
      channel_id: channel.channel_id, dialect: channel.dialect, base_url: `replay://${channel.channel_id}`, model: channel.model, upstream_model: channel.model,
      cost: { ...channel.cost }, price: { ...(model.prices.get(channel.model) ?? { input_per_mtok: 0, output_per_mtok: 0 }) },
      priority: 0, weight: 1, max_concurrency: null, capabilities: [], context_length: null,
    });
  }
  return byModel;
}
