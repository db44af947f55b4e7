// The objective: per candidate, raw features (margin, TTFT, generation time, failure
// probability, load) → components normalised within its model's usable set → utility →
// softmax logit. Everything lives in flat typed arrays so that a plan over hundreds of
// candidates allocates a handful of buffers, not objects.
import type { ChannelScore } from '../types';
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

// Per-model-and-tier slots in Workspace.groups (index (model * 2 + tier) * GROUP_WIDTH).
const BEST_MARGIN = 0;
const SCALE = 1;
const MIN_TTFT = 2;
const SUM_TTFT = 3;
const KNOWN_TTFT = 4;
const MIN_GENERATION = 5;
const SUM_TOKENS_PER_S = 6;
const KNOWN_TOKENS_PER_S = 7;
const MIN_FAILURE = 8;
const MAX_PRIORITY = 9;
const MAX_LOGIT = 10;
const MEMBERS = 11;
const GROUP_WIDTH = 12;

export interface Workspace {
  /** Number of candidates; the arrays may be longer (shared scratch). */
  count: number;
  /** Which use of the shared scratch this is (0: a private workspace). */
  generation: number;
  data: Float64Array;
  state: Uint8Array;
  /** 1 when the candidate's numbers are stale or thin: it may get exploration traffic. */
  explore: Uint8Array;
  /** Index of the candidate's model in profile.models, −1 when not requested. */
  model: Int16Array;
  /** Members per model and tier: memberCount[model * 2 + tier]. */
  memberCount: Int32Array;
  /** Per model and tier statistics (GROUP_WIDTH slots each). */
  groups: Float64Array;
  /** Scratch for the attempt ordering: 1 once a candidate is placed. */
  taken: Uint8Array;
  rejections: (string | undefined)[] | undefined;
}

// One scratch workspace per isolate, reused by every plan: plan() is synchronous, so no two
// uses overlap. A plan whose explanation is read after a later plan() recomputes it.
const scratch: Workspace = {
  count: 0,
  generation: 0,
  data: new Float64Array(64 * WIDTH),
  state: new Uint8Array(64),
  explore: new Uint8Array(64),
  model: new Int16Array(64),
  memberCount: new Int32Array(16),
  groups: new Float64Array(16 * GROUP_WIDTH),
  taken: new Uint8Array(64),
  rejections: undefined,
};

export function scratchGeneration(): number {
  return scratch.generation;
}

function workspaceFor(count: number, modelCount: number, shared: boolean): Workspace {
  if (!shared) {
    return {
      count,
      generation: 0,
      data: new Float64Array(count * WIDTH),
      state: new Uint8Array(count),
      explore: new Uint8Array(count),
      model: new Int16Array(count),
      memberCount: new Int32Array(modelCount * 2),
      groups: new Float64Array(modelCount * 2 * GROUP_WIDTH),
      taken: new Uint8Array(count),
      rejections: undefined,
    };
  }
  if (scratch.state.length < count) {
    const size = Math.max(count, scratch.state.length * 2);
    scratch.data = new Float64Array(size * WIDTH);
    scratch.state = new Uint8Array(size);
    scratch.explore = new Uint8Array(size);
    scratch.model = new Int16Array(size);
    scratch.taken = new Uint8Array(size);
  }
  if (scratch.memberCount.length < modelCount * 2) {
    scratch.memberCount = new Int32Array(modelCount * 2);
    scratch.groups = new Float64Array(modelCount * 2 * GROUP_WIDTH);
  }
  scratch.memberCount.fill(0, 0, modelCount * 2);
  scratch.groups.fill(0, 0, modelCount * 2 * GROUP_WIDTH);
  scratch.taken.fill(0, 0, count);
  scratch.count = count;
  scratch.generation++;
  scratch.rejections = undefined;
  return scratch;
}

export function measure(input: PlanInput, settings: RouterSettings, shared = true): Workspace {
  const { candidates, profile } = input;
  const count = candidates.length;
  const modelCount = profile.models.length;
  const workspace = workspaceFor(count, modelCount, shared);
  const { data, state, model, groups } = workspace;
  for (let index = 0; index < count; index++) measureOne(input, workspace, index);
  for (let slot = 0; slot < modelCount * 2; slot++) {
    const base = slot * GROUP_WIDTH;
    groups[base + BEST_MARGIN] = -Infinity;
    groups[base + MIN_TTFT] = Infinity;
    groups[base + MIN_GENERATION] = Infinity;
    groups[base + MIN_FAILURE] = Infinity;
    groups[base + MAX_PRIORITY] = -Infinity;
    groups[base + MAX_LOGIT] = -Infinity;
  }
  for (let index = 0; index < count; index++) gather(workspace, groups, index, profile.output_tokens);
  for (let index = 0; index < count; index++) {
    normalise(workspace, groups, index, settings, profile.output_tokens);
  }
  for (let index = 0; index < count; index++) {
    if (state[index] === REJECTED) continue;
    const base = index * WIDTH;
    const group = (model[index]! * 2 + state[index]!) * GROUP_WIDTH;
    data[base + ODDS] = Math.exp(Math.max(-700, data[base + LOGIT]! - groups[group + MAX_LOGIT]!));
  }
  return workspace;
}

function measureOne(input: PlanInput, workspace: Workspace, index: number): void {
  const candidate = input.candidates[index]!;
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
  workspace.memberCount[modelIndex * 2 + tier]!++;
}

function gather(workspace: Workspace, groups: Float64Array, index: number, outputTokens: number): void {
  const tier = workspace.state[index]!;
  if (tier === REJECTED) return;
  const data = workspace.data;
  const base = index * WIDTH;
  const group = (workspace.model[index]! * 2 + tier) * GROUP_WIDTH;
  groups[group + MEMBERS]!++;
  groups[group + BEST_MARGIN] = Math.max(groups[group + BEST_MARGIN]!, data[base + MARGIN]!);
  groups[group + SCALE] = Math.max(groups[group + SCALE]!, data[base + REVENUE]!, data[base + COST]!);
  const ttft = data[base + TTFT]!;
  if (ttft === ttft) {
    groups[group + MIN_TTFT] = Math.min(groups[group + MIN_TTFT]!, ttft);
    groups[group + SUM_TTFT]! += ttft;
    groups[group + KNOWN_TTFT]!++;
  }
  const tokensPerS = data[base + TOKENS_PER_S]!;
  if (tokensPerS === tokensPerS) {
    groups[group + MIN_GENERATION] = Math.min(groups[group + MIN_GENERATION]!, outputTokens / tokensPerS);
    groups[group + SUM_TOKENS_PER_S]! += tokensPerS;
    groups[group + KNOWN_TOKENS_PER_S]!++;
  }
  groups[group + MIN_FAILURE] = Math.min(groups[group + MIN_FAILURE]!, data[base + FAILURE]!);
  groups[group + MAX_PRIORITY] = Math.max(groups[group + MAX_PRIORITY]!, data[base + PRIORITY]!);
}

function normalise(
  workspace: Workspace,
  groups: Float64Array,
  index: number,
  settings: RouterSettings,
  outputTokens: number,
): void {
  const tier = workspace.state[index]!;
  if (tier === REJECTED) return;
  const data = workspace.data;
  const base = index * WIDTH;
  const group = (workspace.model[index]! * 2 + tier) * GROUP_WIDTH;

  const scale = groups[group + SCALE]! > 0 ? groups[group + SCALE]! : 1;
  const margin = clamp01(1 - (groups[group + BEST_MARGIN]! - data[base + MARGIN]!) / scale);

  const knownTtft = groups[group + KNOWN_TTFT]!;
  const fillTtft = knownTtft > 0 ? groups[group + SUM_TTFT]! / knownTtft : K.default_ttft_ms;
  const rawTtft = data[base + TTFT]!;
  const ttftValue = rawTtft === rawTtft ? rawTtft : fillTtft;
  const minTtft = Math.min(groups[group + MIN_TTFT]!, fillTtft);
  const ttft = (minTtft + K.ttft_offset_ms) / (ttftValue + K.ttft_offset_ms);

  const knownTps = groups[group + KNOWN_TOKENS_PER_S]!;
  const fillTps = knownTps > 0 ? groups[group + SUM_TOKENS_PER_S]! / knownTps : K.default_tokens_per_s;
  const rawTps = data[base + TOKENS_PER_S]!;
  const generation = outputTokens / (rawTps === rawTps ? rawTps : fillTps);
  const minGeneration = Math.min(groups[group + MIN_GENERATION]!, outputTokens / fillTps);
  const throughput = (minGeneration + K.generation_offset_s) / (generation + K.generation_offset_s);

  const reliability = Math.exp(-(data[base + FAILURE]! - groups[group + MIN_FAILURE]!) / K.failure_scale);
  const load = data[base + LOAD]!;

  const utility =
    settings.margin * margin +
    settings.ttft * ttft +
    settings.throughput * throughput +
    settings.reliability * reliability -
    (K.load_linear * load + K.load_quadratic * load * load) +
    K.priority_step * (data[base + PRIORITY]! - groups[group + MAX_PRIORITY]!);
  const logit = utility / settings.temperature + data[base + LOG_WEIGHT]!;
  data[base + C_MARGIN] = margin;
  data[base + C_TTFT] = ttft;
  data[base + C_THROUGHPUT] = throughput;
  data[base + C_RELIABILITY] = reliability;
  data[base + C_LOAD] = Math.max(0, 1 - load);
  data[base + UTILITY] = utility;
  data[base + LOGIT] = logit;
  if (logit > groups[group + MAX_LOGIT]!) groups[group + MAX_LOGIT] = logit;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
