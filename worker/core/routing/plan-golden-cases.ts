// Seeded random plan inputs for the golden test (plan-golden.test.ts): every mode, every
// provider preference, hard constraints, missing/stale/thin/down scores, open and half-open
// breakers, stalls, recoveries, bound dialects, several models sharing channels, plain Maps
// and ScoreIndexes. Built from a seeded source only, so the same index always gives the
// same input: the golden file pins what plan() does with each of them.
import { PROTOCOLS, type Candidate, type ChannelScore } from '../types';
import { seededRandom } from './random';
import { LiveSignalMap } from './live-signal-map';
import { ScoreIndex } from './score-index';
import { scoreKey, type LiveChannelSignals, type PlanInput, type ProviderPreferences, type RoutingMode, type RoutingPolicy } from './types';

export const GOLDEN_CASES = 300;

const MODES: readonly RoutingMode[] = ['economy', 'balanced', 'performance', 'stability'];
const CAPABILITIES = ['tools', 'vision', 'json_mode'];
const SORTS = ['price', 'latency', 'throughput'] as const;
const NOW = 10_000_000;

type Random = () => number;

function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

function integer(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Sizes 1–300, most of them small (as fleets are), some at the top. */
function sizeOf(random: Random, index: number): number {
  if (index % 10 === 0) return integer(random, 200, 300);
  return Math.max(1, Math.round(Math.exp(random() * Math.log(300))));
}

function channelIds(random: Random, channels: number): string[] {
  return Array.from({ length: channels }, (_, index) => pick(random, ['a', 'b', 'c', 'd']) + index);
}

function candidateOf(random: Random, channel_id: string, model: string): Candidate {
  const cost = random() * 2;
  const markup = chance(random, 0.1) ? 0.8 : 1 + random();
  return {
    channel_id,
    dialect: pick(random, PROTOCOLS),
    base_url: `https://${channel_id}.example`,
    model,
    upstream_model: model,
    cost: { input_per_mtok: cost, output_per_mtok: cost * (1 + random() * 4) },
    price: { input_per_mtok: cost * markup, output_per_mtok: cost * markup * 3 },
    priority: chance(random, 0.8) ? 0 : integer(random, -2, 2),
    weight: chance(random, 0.8) ? 1 : pick(random, [0, 0.5, 2, 5]),
    max_concurrency: chance(random, 0.5) ? null : integer(random, 1, 300),
    capabilities: CAPABILITIES.filter(() => chance(random, 0.85)),
    context_length: chance(random, 0.2) ? null : pick(random, [8_000, 32_000, 128_000, 1_000_000]),
  };
}

function scoreOf(random: Random, candidate: Candidate): ChannelScore | undefined {
  if (chance(random, 0.12)) return undefined;
  const p50 = chance(random, 0.1) ? null : 80 + random() * 2_000;
  const p95 = chance(random, 0.1) ? null : (p50 ?? 500) * (1 + random() * 2);
  return {
    channel_id: candidate.channel_id,
    model: candidate.model,
    success_p: chance(random, 0.15) ? random() : 0.9 + random() * 0.1,
    ttft_p50_ms: p50,
    ttft_p95_ms: p95,
    tokens_per_s: chance(random, 0.1) ? pick(random, [null, 0]) : 10 + random() * 200,
    error_mix: { rate_limit: 0, server: 0, timeout: 0, connection: 0 },
    samples: chance(random, 0.15) ? integer(random, 0, 19) : integer(random, 20, 5_000),
    last_ts: chance(random, 0.12) ? NOW - 60_001 - random() * 1e6 : NOW - random() * 59_000,
    down: chance(random, 0.08),
  };
}

function signalsOf(random: Random): LiveChannelSignals | undefined {
  if (chance(random, 0.3)) return undefined;
  const signals: LiveChannelSignals = {
    in_flight: integer(random, 0, 250),
    breaker: chance(random, 0.85) ? 'closed' : pick(random, ['open', 'half_open'] as const),
    recent_failures: chance(random, 0.7) ? 0 : integer(random, 1, 20),
  };
  if (chance(random, 0.6)) signals.recent_successes = integer(random, 0, 50);
  if (chance(random, 0.4)) signals.success_streak = integer(random, 0, 8);
  if (chance(random, 0.1)) signals.stalled_ms = random() * 20_000;
  return signals;
}

function providerOf(random: Random, channels: readonly string[]): ProviderPreferences | undefined {
  if (chance(random, 0.45)) return undefined;
  const some = (share: number) => channels.filter(() => chance(random, share));
  const provider: ProviderPreferences = {};
  if (chance(random, 0.35)) provider.order = [...some(0.2), ...(chance(random, 0.3) ? ['missing'] : [])].sort(() => random() - 0.5);
  if (chance(random, 0.15)) provider.only = some(0.7);
  if (chance(random, 0.25)) provider.ignore = some(0.1);
  if (chance(random, 0.2)) provider.allow_fallbacks = chance(random, 0.7) ? false : true;
  if (chance(random, 0.25)) provider.sort = pick(random, SORTS);
  if (chance(random, 0.15)) provider.max_price = { prompt: chance(random, 0.7) ? random() * 3 : undefined, completion: chance(random, 0.5) ? random() * 9 : undefined };
  return provider;
}

function policyOf(random: Random, channels: readonly string[]): RoutingPolicy {
  const policy: RoutingPolicy = { mode: pick(random, MODES), max_attempts: integer(random, 0, 6) };
  if (chance(random, 0.2)) policy.weights = { margin: random(), ttft: chance(random, 0.8) ? random() : -1, throughput: random() * 0.3, reliability: random() };
  if (chance(random, 0.1)) policy.max_ttft_ms = 300 + random() * 3_000;
  if (chance(random, 0.1)) policy.temperature = pick(random, [0, 0.001, 0.01, 0.1, 1]);
  if (chance(random, 0.1)) policy.exploration = pick(random, [0, 0.2, 0.9]);
  const provider = providerOf(random, channels);
  if (provider !== undefined) policy.provider = provider;
  return policy;
}

/** The golden input number `index` (0 ≤ index < GOLDEN_CASES). */
export function goldenInput(index: number): PlanInput {
  const random = seededRandom(0x5eed + index * 7919);
  const size = sizeOf(random, index);
  const modelCount = integer(random, 1, 3);
  const models = ['m0', 'm1', 'm2'].slice(0, modelCount);
  // Channels serve several models (the same channel id under each), plus now and then a model nobody asked for.
  const channels = channelIds(random, Math.max(1, Math.ceil(size / modelCount)));
  const candidates: Candidate[] = [];
  for (let position = 0; position < size; position++) {
    const model = chance(random, 0.03) ? 'unrequested' : models[Math.floor(position / channels.length) % modelCount]!;
    candidates.push(candidateOf(random, channels[position % channels.length]!, model));
  }
  candidates.sort(() => random() - 0.5);
  const scores = new Map<string, ChannelScore>();
  for (const candidate of candidates) {
    const entry = scoreOf(random, candidate);
    if (entry !== undefined) scores.set(scoreKey(entry.channel_id, entry.model), entry);
  }
  // Every other case in the map the worker's live signals use (decided by the index, not the
  // random source, so the cases and their fixture stay what they were).
  const live = index % 2 === 0 ? new Map<string, LiveChannelSignals>() : new LiveSignalMap();
  for (const channel of channels) {
    const signals = signalsOf(random);
    if (signals !== undefined) live.set(channel, signals);
  }
  const boundDialect = chance(random, 0.15) ? pick(random, PROTOCOLS) : chance(random, 0.05) ? null : undefined;
  return {
    candidates,
    scores: chance(random, 0.5) ? new ScoreIndex(scores.values()) : scores,
    live,
    policy: policyOf(random, channels),
    profile: {
      models: chance(random, 0.05) ? [...models].reverse() : models,
      input_tokens: chance(random, 0.1) ? 200_000 : integer(random, 1, 20_000),
      output_tokens: integer(random, 0, 4_000),
      capabilities: CAPABILITIES.filter(() => chance(random, 0.2)),
      ...(boundDialect === undefined ? {} : { bound_dialect: boundDialect }),
    },
    now: NOW,
    random: seededRandom(index + 1),
    explain: size <= 40 && chance(random, 0.5),
  };
}
