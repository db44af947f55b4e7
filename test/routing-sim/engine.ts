// The discrete-event simulation of one strategy on one scenario: a virtual clock, seeded
// randomness (one stream for the workload, so every strategy sees the very same requests;
// one for the upstreams; one for routing), several isolates each with its own router, an
// analytics node that pushes the real computeScores over in-memory window statistics, and
// retries within max_attempts. With `workload.conversations`: multi-turn conversations, a
// prompt cache per channel and the worker's memory of conversations (conversations.ts);
// attempts, caching and hedging are attempt-flow.ts.
import { seededRandom } from '../../worker/core/routing/random';
import { ScoreIndex } from '../../worker/core/routing/score-index';
import { scoreKey, type RequestProfile } from '../../worker/core/routing/types';
import { computeScores, DEFAULT_SCORING } from '../../worker/core/scoring';
import type { Candidate, ChannelScore, RandomSource, TokenPrice } from '../../worker/core/types';
import { billed, startAttempt, type FlowContext, type SimRequest } from './attempt-flow';
import { ConversationMemory, drawConversation, type Turn } from './conversations';
import { EventQueue } from './event-queue';
import { PromptCache } from './prompt-cache';
import type { Scenario } from './scenario';
import type { IsolateRouter, Strategy } from './strategies/strategy';
import { SimulatedChannel } from './upstream';
import { WindowStatsStore } from './window-stats';

export const BUCKET_MS = 100;

export interface RunResult {
  strategy: string;
  requests: number;
  successes: number;
  attempts: number;
  /** Client-visible, successful requests only. */
  ttft_ms: number[];
  e2e_ms: number[];
  cost_usd: number;
  revenue_usd: number;
  channel_ids: string[];
  /** First attempts per BUCKET_MS bucket and channel: index bucket * channels + channel. */
  first_attempts: Int32Array;
  buckets: number;
  /** Hedged requests, and what their cancelled attempts cost (included in cost_usd); absent: 0. */
  hedges?: number;
  hedge_cost_usd?: number;
  /** Successful conversation turns after the opening one, and how many were served on a warm cache; absent: 0. */
  turns?: number;
  warm_turns?: number;
}

export function runStrategy(scenario: Scenario, strategy: Strategy): RunResult {
  const workloadRandom = seededRandom(scenario.seed);
  const upstreamRandom = seededRandom(scenario.seed ^ 0x5bd1e995);
  const routingRandom = seededRandom(scenario.seed ^ 0x27d4eb2f);
  const durationMs = scenario.duration_s * 1000;
  const queue = new EventQueue();
  let now = 0;

  const channels = new Map<string, SimulatedChannel>();
  const caches = new Map<string, PromptCache>();
  for (const spec of scenario.channels) {
    channels.set(spec.id, new SimulatedChannel(spec));
    caches.set(spec.id, new PromptCache(spec.cache));
  }
  const channelIds = scenario.channels.map((spec) => spec.id);
  const channelIndex = new Map(channelIds.map((id, index) => [id, index]));
  const costs = new Map<string, TokenPrice>();
  for (const spec of scenario.channels) {
    for (const entry of spec.models) costs.set(scoreKey(spec.id, entry.model), { ...entry.cost });
  }
  const model = scenario.models.find((entry) => entry.id === scenario.workload.model);
  if (model === undefined) throw new Error(`workload model '${scenario.workload.model}' is not in models`);
  let candidates = buildCandidates(scenario, costs);

  const stats = new WindowStatsStore(scenario.window_s, scenario.recent_attempts);
  let scores: ReadonlyMap<string, ChannelScore> = new Map();
  const every = (interval: number, run: (at: number) => void): void => {
    const tick = (): void => {
      run(now);
      if (now + interval <= durationMs + 60_000) queue.push(now + interval, tick);
    };
    queue.push(interval, tick);
  };
  every(scenario.push_interval_s * 1000, (at) => {
    const rows = stats.windowStats(at);
    // Indexed as the worker's score store does when a table arrives.
    scores = new ScoreIndex(computeScores(rows, { ...DEFAULT_SCORING, now: at }));
  });

  const factory = strategy.start({
    isolates: scenario.isolates,
    random: routingRandom,
    probe: (channel_id) => channels.get(channel_id)?.healthy(upstreamRandom) ?? false,
    every,
    clock: () => now,
  });
  const routers: IsolateRouter[] = [];
  for (let isolate = 0; isolate < scenario.isolates; isolate++) routers.push(factory(isolate));

  for (const spec of scenario.channels) {
    for (const entry of spec.timeline) {
      queue.push(entry.at_s * 1000, () => {
        if (entry.set !== undefined) channels.get(spec.id)!.apply(entry.set);
        if (entry.set_cost !== undefined) {
          const { model: costModel, ...cost } = entry.set_cost;
          costs.set(scoreKey(spec.id, costModel), cost);
          candidates = buildCandidates(scenario, costs);
        }
      });
    }
  }

  const buckets = Math.ceil(durationMs / BUCKET_MS);
  const result: RunResult = {
    strategy: strategy.name,
    requests: 0,
    successes: 0,
    attempts: 0,
    ttft_ms: [],
    e2e_ms: [],
    cost_usd: 0,
    revenue_usd: 0,
    channel_ids: channelIds,
    first_attempts: new Int32Array(buckets * channelIds.length),
    buckets,
    hedges: 0,
    hedge_cost_usd: 0,
    turns: 0,
    warm_turns: 0,
  };
  const memory = new ConversationMemory(scenario.isolates, (at, run) => queue.push(at, run));
  let outstanding = 0;
  let turns = 0;
  let warmTurns = 0;
  const flow: FlowContext = {
    queue,
    now: () => now,
    channels,
    caches,
    cost: (candidate) => costs.get(scoreKey(candidate.channel_id, candidate.model))!,
    price: model.price,
    scores: () => scores,
    stats,
    routers,
    random: upstreamRandom,
    stream: scenario.workload.stream,
    timeout_ms: scenario.first_byte_timeout_ms,
    max_attempts: scenario.max_attempts,
    duration_ms: durationMs,
    firstAttempt(request, channel_id) {
      const bucket = Math.floor(request.arrival / BUCKET_MS);
      if (bucket < buckets) result.first_attempts[bucket * channelIds.length + channelIndex.get(channel_id)!]!++;
    },
    served(request, channel_id, at) {
      if (request.turn !== null) memory.served(request.isolate, request.turn.conversation, channel_id, at);
    },
    finished(request, winner) {
      outstanding--;
      if (winner === null || request.arrival >= durationMs) return;
      result.successes++;
      result.revenue_usd += billed(request.profile.input_tokens, winner.cached, winner.outcome.output_tokens, model.price);
      result.ttft_ms.push(winner.start + winner.outcome.ttft_ms! - request.arrival);
      result.e2e_ms.push(now - request.arrival);
      if (request.turn !== null && request.turn.index > 0) {
        turns++;
        if (winner.warm) warmTurns++;
      }
    },
    tally: { attempts: 0, cost_usd: 0, hedges: 0, hedge_cost_usd: 0 },
  };

  const begin = (isolate: number, profile: RequestProfile, turn: Turn | null): void => {
    const conversation = turn === null ? undefined : memory.context(isolate, turn);
    const request: SimRequest = {
      arrival: now,
      isolate,
      profile,
      order: [],
      next: 0,
      live: [],
      winner: null,
      finished: false,
      turn,
      conversation,
      cost: 0,
    };
    result.requests++;
    outstanding++;
    request.order = routers[isolate]!.route({
      candidates,
      scores,
      profile,
      max_attempts: scenario.max_attempts,
      now,
      random: routingRandom,
      ...(conversation !== undefined ? { conversation } : {}),
    });
    startAttempt(flow, request, routers[isolate]!.hedge !== undefined ? 'primary' : 'single');
  };

  let rps = scenario.workload.rps;
  for (const change of scenario.workload.timeline) queue.push(change.at_s * 1000, () => (rps = change.rps));
  const conversations = scenario.workload.conversations;
  let conversationCount = 0;
  const arrive = (): void => {
    if (conversations === undefined) {
      const isolate = Math.floor(workloadRandom() * scenario.isolates);
      const profile = profileOf(scenario, tokens(workloadRandom, scenario.workload.input_tokens), tokens(workloadRandom, scenario.workload.output_tokens));
      const next = now + exponential(workloadRandom, 1000 / rps);
      if (next < durationMs) queue.push(next, arrive);
      begin(isolate, profile, null);
      return;
    }
    // A new conversation: its turns are drawn now (the workload stream), played at their times.
    const turns = drawConversation(`c${conversationCount++}`, conversations, scenario.workload, scenario.isolates, workloadRandom);
    const next = now + exponential(workloadRandom, (1000 * conversations.turns.mean) / rps);
    if (next < durationMs) queue.push(next, arrive);
    for (const turn of turns) {
      const at = now + turn.offset_ms;
      if (at >= durationMs) break;
      queue.push(at, () => begin(turn.isolate, profileOf(scenario, turn.input_tokens, turn.output_tokens), turn));
    }
  };
  const firstArrival = conversations === undefined ? 1000 / rps : (1000 * conversations.turns.mean) / rps;
  queue.push(exponential(workloadRandom, firstArrival), arrive);

  for (let event = queue.pop(); event !== undefined; event = queue.pop()) {
    if (event.at > durationMs && outstanding === 0) break;
    now = event.at;
    event.run();
  }
  result.attempts = flow.tally.attempts;
  result.cost_usd = flow.tally.cost_usd;
  result.hedges = flow.tally.hedges;
  result.hedge_cost_usd = flow.tally.hedge_cost_usd;
  result.turns = turns;
  result.warm_turns = warmTurns;
  return result;
}

function profileOf(scenario: Scenario, input_tokens: number, output_tokens: number): RequestProfile {
  return { models: [scenario.workload.model], input_tokens, output_tokens, capabilities: [] };
}

function buildCandidates(scenario: Scenario, costs: Map<string, TokenPrice>): Candidate[] {
  const candidates: Candidate[] = [];
  for (const spec of scenario.channels) {
    for (const entry of spec.models) {
      const model = scenario.models.find((known) => known.id === entry.model);
      if (model === undefined) continue;
      candidates.push({
        channel_id: spec.id,
        dialect: spec.behaviour.dialect ?? 'openai',
        base_url: `sim://${spec.id}`,
        model: entry.model,
        upstream_model: entry.model,
        cost: { ...costs.get(scoreKey(spec.id, entry.model))! },
        price: { ...model.price },
        priority: spec.priority,
        weight: spec.weight,
        max_concurrency: spec.max_concurrency === undefined ? spec.behaviour.max_concurrency : spec.max_concurrency,
        capabilities: [],
        context_length: null,
        ...(spec.cache_ttl_s !== undefined ? { cache_ttl_s: spec.cache_ttl_s } : {}),
      });
    }
  }
  return candidates;
}

function tokens(random: RandomSource, distribution: { mean: number; sd: number }): number {
  return Math.max(1, Math.round(distribution.mean + distribution.sd * standardNormal(random)));
}

function standardNormal(random: RandomSource): number {
  const u = Math.max(random(), 1e-12);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function exponential(random: RandomSource, mean: number): number {
  return -Math.log(1 - random()) * mean;
}
