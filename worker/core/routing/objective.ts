// The objective: per candidate, raw features (margin, TTFT, generation time, failure
// probability, load) → components normalised within its model's usable set → utility →
// softmax logit. Per-candidate numbers live in one flat typed array (a row of WIDTH slots
// per candidate), so that a plan over hundreds of candidates allocates a handful of buffers,
// not objects; the per-model-and-tier statistics are a few small objects. Each plan
// allocates its own workspace: plan() stays pure and its explanation can be read at any
// time. (A shared scratch buffer saved about 3 µs per plan, invisible next to a request.)
import type { Candidate, ChannelScore } from '../types';
import { rejectionOf } from './constraints';
import { ROUTING_CONSTANTS as K } from './presets';
import type { RouterSettings } from './settings';
import { scoreKey, type PlanInput } from './types';

// Per-candidate slots in Workspace.data.
export const REVENUE = 0;
export const COST = 1;
export const MARGIN = 2;
export const TTFT = 3; // ms, NaN when unknown
export const TOKENS_PER_S = 4; // NaN when unknown
export const FAILURE = 5; // probability an attempt fails
export const LOAD = 6; // utilisation, in flight / capacity
export const LOG_WEIGHT = 7;
export const PRIORITY = 8;
export const C_MARGIN = 9;
export const C_TTFT = 10;
export const C_THROUGHPUT = 11;
export const C_RELIABILITY = 12;
export const C_LOAD = 13;
export const UTILITY = 14;
export const LOGIT = 15;
export const ODDS = 16; // exp(logit − max logit of its model and tier)
export const PROBABILITY = 17; // of being the first attempt
export const PROBE_SHARE = 18; // share of first choices the breaker asks for (probe, recovery)
export const WIDTH = 19;

// Workspace.state values.
export const HEALTHY = 0; // tier 0: tried first
export const UNHEALTHY = 1; // tier 1: breaker open or reported down; tried after tier 0
export const REJECTED = 2;

/** What the normalisation needs to know about the usable candidates of one model and tier. */
export interface GroupStatistics {
  members: number;
  best_margin: number;
  scale: number;
  min_ttft: number;
  sum_ttft: number;
  known_ttft: number;
  min_generation: number;
  sum_tokens_per_s: number;
  known_tokens_per_s: number;
  min_failure: number;
  max_priority: number;
  max_logit: number;
}

export interface Workspace {
  /** Number of candidates: every array below has exactly this many rows. */
  count: number;
  /** count × WIDTH slots; read through valueOf. */
  data: Float64Array;
  /** HEALTHY, UNHEALTHY or REJECTED; read through tierOf. */
  state: Uint8Array;
  /** 1 when the candidate's numbers are stale or thin: it may get exploration traffic. */
  explore: Uint8Array;
  /** Index of the candidate's model in profile.models, −1 when not requested. */
  model: Int16Array;
  /** Per model and tier: groups[model * 2 + tier]. */
  groups: GroupStatistics[];
  rejections: (string | undefined)[] | undefined;
}

/** A candidate's slot. Rows exist for every index below count; outside them, NaN. */
export function valueOf(workspace: Workspace, index: number, slot: number): number {
  return workspace.data[index * WIDTH + slot] ?? NaN;
}

/** One number of a flat row array (data[index * WIDTH + slot]); NaN outside it. */
function read(data: Float64Array, offset: number): number {
  return data[offset] ?? NaN;
}

export function tierOf(workspace: Workspace, index: number): number {
  return workspace.state[index] ?? REJECTED;
}

export function modelOf(workspace: Workspace, index: number): number {
  return workspace.model[index] ?? -1;
}

export function isExploring(workspace: Workspace, index: number): boolean {
  return workspace.explore[index] === 1;
}

/** Usable candidates of a model in a tier. */
export function membersOf(workspace: Workspace, modelIndex: number, tier: number): number {
  return workspace.groups[modelIndex * 2 + tier]?.members ?? 0;
}

/** The statistics of the candidate's model and tier; undefined for a rejected candidate. */
function groupOf(workspace: Workspace, index: number): GroupStatistics | undefined {
  const tier = tierOf(workspace, index);
  return tier === REJECTED ? undefined : workspace.groups[modelOf(workspace, index) * 2 + tier];
}

function emptyGroup(): GroupStatistics {
  return {
    members: 0,
    best_margin: -Infinity,
    scale: 0,
    min_ttft: Infinity,
    sum_ttft: 0,
    known_ttft: 0,
    min_generation: Infinity,
    sum_tokens_per_s: 0,
    known_tokens_per_s: 0,
    min_failure: Infinity,
    max_priority: -Infinity,
    max_logit: -Infinity,
  };
}

export function measure(input: PlanInput, settings: RouterSettings): Workspace {
  const { candidates, profile } = input;
  const count = candidates.length;
  const workspace: Workspace = {
    count,
    data: new Float64Array(count * WIDTH),
    state: new Uint8Array(count),
    explore: new Uint8Array(count),
    model: new Int16Array(count),
    groups: [],
    rejections: undefined,
  };
  for (let slot = 0; slot < profile.models.length * 2; slot++) workspace.groups.push(emptyGroup());
  let index = 0;
  for (const candidate of candidates) measureOne(input, workspace, candidate, index++);
  for (index = 0; index < count; index++) gather(workspace, index, profile.output_tokens);
  for (index = 0; index < count; index++) normalise(workspace, index, settings, profile.output_tokens);
  const data = workspace.data;
  for (index = 0; index < count; index++) {
    const group = groupOf(workspace, index);
    if (group === undefined) continue;
    data[index * WIDTH + ODDS] = Math.exp(Math.max(-700, read(data, index * WIDTH + LOGIT) - group.max_logit));
  }
  return workspace;
}

function measureOne(input: PlanInput, workspace: Workspace, candidate: Candidate, index: number): void {
  const { data, state, explore, model } = workspace;
  const modelIndex = input.profile.models.indexOf(candidate.model);
  model[index] = modelIndex;
  const score: ChannelScore | undefined = input.scores.get(
    scoreKey(candidate.channel_id, candidate.model),
  );
  const reason =
    modelIndex < 0 ? 'model' : rejectionOf(candidate, score, input.policy, input.profile);
  const base = index * WIDTH;
  data[base + PROBABILITY] = 0;
  if (reason !== undefined) {
    state[index] = REJECTED;
    (workspace.rejections ??= new Array<string | undefined>(input.candidates.length))[index] = reason;
    return;
  }
  const { input_tokens, output_tokens } = input.profile;
  const revenue =
    (input_tokens * candidate.price.input_per_mtok + output_tokens * candidate.price.output_per_mtok) *
    1e-6;
  const cost =
    (input_tokens * candidate.cost.input_per_mtok + output_tokens * candidate.cost.output_per_mtok) *
    1e-6;
  data[base + REVENUE] = revenue;
  data[base + COST] = cost;
  data[base + MARGIN] = revenue - cost;

  const signals = input.live.get(candidate.channel_id);
  const breaker = signals?.breaker ?? 'closed';
  const streak = signals?.success_streak ?? 0;
  let successP: number = K.prior_success;
  let ttft = NaN;
  let tokensPerS = NaN;
  let wantsExploring = false;
  let down = false;
  let probeShare = 0;
  if (score === undefined) {
    wantsExploring = true;
  } else {
    successP = score.success_p;
    const p50 = score.ttft_p50_ms;
    const p95 = score.ttft_p95_ms;
    ttft = p50 !== null ? (p95 !== null ? 0.5 * (p50 + p95) : p50) : (p95 ?? NaN);
    if (score.tokens_per_s !== null && score.tokens_per_s > 0) tokensPerS = score.tokens_per_s;
    const stale = input.now - score.last_ts > K.stale_ms;
    if (stale || score.samples < K.thin_samples) wantsExploring = true;
    if (!stale && (score.down || score.success_p < K.recovering_below)) {
      // The isolate's own successes since its last failure are newer evidence than the
      // push: ramp the channel back in, a share per success, until a push agrees.
      if (streak > 0 && breaker === 'closed') {
        probeShare = Math.min(K.recovery_share_cap, K.recovery_share_per_success * streak);
      } else if (score.down) {
        down = true;
      }
    }
  }
  const stalled = signals?.stalled_ms ?? 0;
  if (stalled > 0) {
    const p95 = score?.ttft_p95_ms ?? null;
    const limit = Math.max(K.stall_min_ms, K.stall_ttft_factor * (p95 ?? K.default_ttft_ms));
    if (stalled > limit) down = true; // waiting far past its usual first byte: likely hanging
  }
  if (breaker === 'half_open') {
    // The cool-down has passed and a probe slot is free: send one soon, whatever the push says.
    down = false;
    probeShare = K.probe_share;
  }
  const failures = signals?.recent_failures ?? 0;
  const successes = signals?.recent_successes ?? 0;
  successP = (successP * K.score_strength + successes) / (K.score_strength + successes + failures);
  data[base + TTFT] = ttft;
  data[base + TOKENS_PER_S] = tokensPerS;
  data[base + FAILURE] = 1 - successP;
  const capacity = candidate.max_concurrency ?? K.default_capacity;
  data[base + LOAD] = Math.min(2, (signals?.in_flight ?? 0) / Math.max(1, capacity));
  data[base + LOG_WEIGHT] = candidate.weight === 1 ? 0 : Math.log(Math.max(candidate.weight, 1e-3));
  data[base + PRIORITY] = candidate.priority;
  const tier = breaker === 'open' || down ? UNHEALTHY : HEALTHY;
  state[index] = tier;
  explore[index] = wantsExploring && probeShare === 0 ? 1 : 0;
  data[base + PROBE_SHARE] = probeShare;
}

function gather(workspace: Workspace, index: number, outputTokens: number): void {
  const group = groupOf(workspace, index);
  if (group === undefined) return;
  const data = workspace.data;
  const base = index * WIDTH;
  group.members++;
  group.best_margin = Math.max(group.best_margin, read(data, base + MARGIN));
  group.scale = Math.max(group.scale, read(data, base + REVENUE), read(data, base + COST));
  const ttft = read(data, base + TTFT);
  if (ttft === ttft) {
    group.min_ttft = Math.min(group.min_ttft, ttft);
    group.sum_ttft += ttft;
    group.known_ttft++;
  }
  const tokensPerS = read(data, base + TOKENS_PER_S);
  if (tokensPerS === tokensPerS) {
    group.min_generation = Math.min(group.min_generation, outputTokens / tokensPerS);
    group.sum_tokens_per_s += tokensPerS;
    group.known_tokens_per_s++;
  }
  group.min_failure = Math.min(group.min_failure, read(data, base + FAILURE));
  group.max_priority = Math.max(group.max_priority, read(data, base + PRIORITY));
}

function normalise(workspace: Workspace, index: number, settings: RouterSettings, outputTokens: number): void {
  const group = groupOf(workspace, index);
  if (group === undefined) return;
  const data = workspace.data;
  const base = index * WIDTH;

  const scale = group.scale > 0 ? group.scale : 1;
  const margin = clamp01(1 - (group.best_margin - read(data, base + MARGIN)) / scale);

  const fillTtft = group.known_ttft > 0 ? group.sum_ttft / group.known_ttft : K.default_ttft_ms;
  const rawTtft = read(data, base + TTFT);
  const ttftValue = rawTtft === rawTtft ? rawTtft : fillTtft;
  const minTtft = Math.min(group.min_ttft, fillTtft);
  const ttft = (minTtft + K.ttft_offset_ms) / (ttftValue + K.ttft_offset_ms);

  const fillTps = group.known_tokens_per_s > 0 ? group.sum_tokens_per_s / group.known_tokens_per_s : K.default_tokens_per_s;
  const rawTps = read(data, base + TOKENS_PER_S);
  const generation = outputTokens / (rawTps === rawTps ? rawTps : fillTps);
  const minGeneration = Math.min(group.min_generation, outputTokens / fillTps);
  const throughput = (minGeneration + K.generation_offset_s) / (generation + K.generation_offset_s);

  const reliability = Math.exp(-(read(data, base + FAILURE) - group.min_failure) / K.failure_scale);
  const load = read(data, base + LOAD);

  const utility =
    settings.margin * margin +
    settings.ttft * ttft +
    settings.throughput * throughput +
    settings.reliability * reliability -
    (K.load_linear * load + K.load_quadratic * load * load) +
    K.priority_step * (read(data, base + PRIORITY) - group.max_priority);
  const logit = utility / settings.temperature + read(data, base + LOG_WEIGHT);
  data[base + C_MARGIN] = margin;
  data[base + C_TTFT] = ttft;
  data[base + C_THROUGHPUT] = throughput;
  data[base + C_RELIABILITY] = reliability;
  data[base + C_LOAD] = Math.max(0, 1 - load);
  data[base + UTILITY] = utility;
  data[base + LOGIT] = logit;
  if (logit > group.max_logit) group.max_logit = logit;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
