// Builders for routing tests: candidates, scores and plan inputs with sensible defaults.
import type { Candidate, ChannelScore, Protocol } from '../types';
import { seededRandom } from './random';
import { scoreKey, type LiveChannelSignals, type PlanInput, type RoutingPolicy } from './types';

export function candidate(channel_id: string, overrides: Partial<Candidate> = {}): Candidate {
  return {
    channel_id,
    dialect: 'openai',
    base_url: `https://${channel_id}.example`,
    model: 'm',
    upstream_model: 'm',
    cost: { input_per_mtok: 0.5, output_per_mtok: 1.5 },
    price: { input_per_mtok: 1, output_per_mtok: 3 },
    priority: 0,
    weight: 1,
    max_concurrency: null,
    capabilities: ['tools', 'vision', 'json_mode'],
    context_length: 128_000,
    ...overrides,
  };
}

export function score(channel_id: string, overrides: Partial<ChannelScore> = {}): ChannelScore {
  return {
    channel_id,
    model: 'm',
    success_p: 0.995,
    ttft_p50_ms: 300,
    ttft_p95_ms: 450,
    tokens_per_s: 80,
    error_mix: { rate_limit: 0, server: 0, timeout: 0, connection: 0 },
    samples: 500,
    last_ts: 1_000_000,
    down: false,
    ...overrides,
  };
}

export function scoreMap(scores: readonly ChannelScore[]): Map<string, ChannelScore> {
  return new Map(scores.map((entry) => [scoreKey(entry.channel_id, entry.model), entry]));
}

export function live(signals: Record<string, Partial<LiveChannelSignals>>): Map<string, LiveChannelSignals> {
  return new Map(
    Object.entries(signals).map(([id, value]) => [id, { in_flight: 0, breaker: 'closed', recent_failures: 0, ...value }]),
  );
}

export function planInput(
  candidates: Candidate[],
  options: {
    scores?: ChannelScore[];
    live?: Map<string, LiveChannelSignals>;
    policy?: Partial<RoutingPolicy>;
    models?: string[];
    input_tokens?: number;
    output_tokens?: number;
    capabilities?: string[];
    bound_dialect?: Protocol | null;
    seed?: number;
    /** Keep every candidate's explanation (default true: most tests read it whole). */
    explain?: boolean;
  } = {},
): PlanInput {
  return {
    candidates,
    scores: scoreMap(options.scores ?? candidates.map((entry) => score(entry.channel_id, { model: entry.model }))),
    live: options.live ?? new Map(),
    policy: { mode: 'balanced', max_attempts: 3, ...options.policy },
    profile: {
      models: options.models ?? ['m'],
      input_tokens: options.input_tokens ?? 1000,
      output_tokens: options.output_tokens ?? 300,
      capabilities: options.capabilities ?? [],
      ...(options.bound_dialect === undefined ? {} : { bound_dialect: options.bound_dialect }),
    },
    now: 1_000_000,
    random: seededRandom(options.seed ?? 42),
    explain: options.explain ?? true,
  };
}
