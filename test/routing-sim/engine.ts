// The discrete-event simulation of one strategy on one scenario: a virtual clock, seeded
// randomness (one stream for the workload, so every strategy sees the very same requests;
// one for the upstreams; one for routing), several isolates each with its own router, an
// analytics node that pushes the real computeScores over in-memory window statistics, and
// retries within max_attempts.
import { seededRandom } from '../../worker/core/routing/random';
import { ScoreIndex } from '../../worker/core/routing/score-index';
import { scoreKey, type RequestProfile } from '../../worker/core/routing/types';
import { computeScores, DEFAULT_SCORING } from '../../worker/core/scoring';
import type { Candidate, ChannelScore, RandomSource } from '../../worker/core/types';
import { EventQueue } from './event-queue';
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
}

interface SimRequest {
  arrival: number;
  isolate: number;
  profile: RequestProfile;
  order: Candidate[];
  attempt: number;
}

export function runStrategy(scenario: Scenario, strategy: Strategy): RunResult {
  const workloadRandom = seededRandom(scenario.seed);
  const upstreamRandom = seededRandom(scenario.seed ^ 0x5bd1e995);
  const routingRandom = seededRandom(scenario.seed ^ 0x27d4eb2f);
  const durationMs = scenario.duration_s * 1000;
  const queue = new EventQueue();
  let now = 0;

  const channels = new Map<string, SimulatedChannel>();
  for (const spec of scenario.channels) channels.set(spec.id, new SimulatedChannel(spec));
  const channelIds = scenario.channels.map((spec) => spec.id);
  const channelIndex = new Map(channelIds.map((id, index) => [id, index]));
  const costs = new Map<string, { input_per_mtok: number; output_per_mtok: number }>();
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
  };
  const price = model.price;
  const timeout = scenario.first_byte_timeout_ms;
  let outstanding = 0;

  const startAttempt = (request: SimRequest): void => {
    const limit = Math.min(request.order.length, scenario.max_attempts);
    if (request.attempt >= limit) {
      outstanding--;
      return;
    }
    const candidate = request.order[request.attempt]!;
    const channel = channels.get(candidate.channel_id)!;
    const router = routers[request.isolate]!;
    if (request.attempt === 0) {
      const bucket = Math.floor(request.arrival / BUCKET_MS);
      if (bucket < buckets) result.first_attempts[bucket * channelIds.length + channelIndex.get(channel.id)!]!++;
    }
    result.attempts++;
    const start = now;
    const cost = costs.get(scoreKey(candidate.channel_id, candidate.model))!;
    const outcome = channel.attempt(request.profile.output_tokens, scenario.workload.stream, now, upstreamRandom, timeout);
    channel.in_flight++;
    router.started(channel.id, now);
    if (outcome.ttft_ms !== null && router.firstByte !== undefined) {
      queue.push(start + outcome.ttft_ms, () => router.firstByte!(channel.id, now));
    }
    queue.push(start + outcome.duration_ms, () => {
      channel.in_flight--;
      const ok = outcome.error_class === 'none';
      const report = {
        ok,
        error_class: outcome.error_class,
        ttft_ms: outcome.ttft_ms,
        duration_ms: outcome.duration_ms,
        output_tokens: outcome.output_tokens,
        ...(outcome.retry_after_s !== undefined ? { retry_after_s: outcome.retry_after_s } : {}),
      };
      router.ended(channel.id, report, now);
      const generation = outcome.ttft_ms === null ? 0 : outcome.duration_ms - outcome.ttft_ms;
      stats.record(
        channel.id,
        candidate.model,
        now,
        outcome.error_class,
        outcome.ttft_ms,
        ok && generation > 0 ? (outcome.output_tokens / generation) * 1000 : null,
      );
      if (outcome.ttft_ms !== null) {
        result.cost_usd +=
          (request.profile.input_tokens * cost.input_per_mtok + outcome.output_tokens * cost.output_per_mtok) * 1e-6;
      }
      if (ok) {
        outstanding--;
        if (request.arrival < durationMs) {
          result.successes++;
          result.revenue_usd +=
            (request.profile.input_tokens * price.input_per_mtok + outcome.output_tokens * price.output_per_mtok) * 1e-6;
          result.ttft_ms.push(start + outcome.ttft_ms! - request.arrival);
          result.e2e_ms.push(now - request.arrival);
        }
        return;
      }
      const retryable = outcome.error_class !== 'client' && outcome.error_class !== 'mid_stream';
      if (!retryable) {
        outstanding--;
        return;
      }
      request.attempt++;
      const next = request.order[request.attempt];
      const wait =
        next !== undefined && next.channel_id === channel.id && outcome.retry_after_s !== undefined
          ? outcome.retry_after_s * 1000
          : 0;
      if (wait > 0) queue.push(now + wait, () => startAttempt(request));
      else startAttempt(request);
    });
  };

  let rps = scenario.workload.rps;
  for (const change of scenario.workload.timeline) queue.push(change.at_s * 1000, () => (rps = change.rps));
  const arrive = (): void => {
    const request: SimRequest = {
      arrival: now,
      isolate: Math.floor(workloadRandom() * scenario.isolates),
      profile: {
        models: [scenario.workload.model],
        input_tokens: tokens(workloadRandom, scenario.workload.input_tokens),
        output_tokens: tokens(workloadRandom, scenario.workload.output_tokens),
        capabilities: [],
      },
      order: [],
      attempt: 0,
    };
    const next = now + exponential(workloadRandom, 1000 / rps);
    if (next < durationMs) queue.push(next, arrive);
    result.requests++;
    outstanding++;
    request.order = routers[request.isolate]!.route({
      candidates,
      scores,
      profile: request.profile,
      max_attempts: scenario.max_attempts,
      now,
      random: routingRandom,
    });
    startAttempt(request);
  };
  queue.push(exponential(workloadRandom, 1000 / rps), arrive);

  for (let event = queue.pop(); event !== undefined; event = queue.pop()) {
    if (event.at > durationMs && outstanding === 0) break;
    now = event.at;
    event.run();
  }
  return result;
}

function buildCandidates(scenario: Scenario, costs: Map<string, { input_per_mtok: number; output_per_mtok: number }>): Candidate[] {
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
