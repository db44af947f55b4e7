// The objective: per candidate, raw features (margin, TTFT, generation time, failure
// probability, load) → components normalised within its model's usable set → utility →
// softmax logit, written into a workspace (workspace.ts) that plan() borrows from a pool.
import type { Candidate, ChannelScore } from '../types';
import { rejectionOf } from './constraints';
import { affinityUtility, creditConversation } from './objective-affinity';
import { ROUTING_CONSTANTS as K } from './presets';
import { rememberCandidate, rememberedSignals, useLive } from './candidate-scores';
import { LiveSignalMap } from './live-signal-map';
import { ScoreIndex, scoreOf } from './score-index';
import type { RouterSettings } from './settings';
import type { LiveChannelSignals, PlanInput } from './types';
import {
  AFFINITY_MARGIN,
  AFFINITY_TTFT,
  C_AFFINITY,
  C_LOAD,
  C_MARGIN,
  C_RELIABILITY,
  C_THROUGHPUT,
  C_TTFT,
  COST,
  FAILURE,
  HEALTHY,
  LOAD,
  LOG_WEIGHT,
  LOGIT,
  MARGIN,
  PRIORITY,
  PROBABILITY,
  PROBE_SHARE,
  REJECTED,
  REVENUE,
  TOKENS_PER_S,
  TTFT,
  UNHEALTHY,
  UTILITY,
  WARM,
  WIDTH,
  groupOf,
  type Workspace,
} from './workspace';

/** One number of a flat row array (data[index * WIDTH + slot]); NaN outside it. */
function read(data: Float64Array, offset: number): number {
  return data[offset] ?? NaN;
}

/** Fills a workspace borrowed for input.candidates (borrowWorkspace). */
export function measure(input: PlanInput, settings: RouterSettings, workspace: Workspace): void {
  const { candidates, profile } = input;
  const count = candidates.length;
  let index = 0;
  // A ScoreIndex remembers what the last plans over these candidates found (candidate-scores.ts).
  const scores = input.scores;
  const table = scores instanceof ScoreIndex ? scores : undefined;
  const remembered = table !== undefined && count > 0 ? table.rememberedList(candidates[0]!) : undefined;
  const live = input.live;
  const stableLive = remembered !== undefined && live instanceof LiveSignalMap;
  if (stableLive) useLive(remembered, live);
  // Gathered as each row is measured: the same order, so the same sums, one pass fewer.
  for (const candidate of candidates) {
    let score: ChannelScore | undefined;
    let signals: LiveChannelSignals | undefined;
    if (remembered !== undefined) {
      rememberCandidate(remembered, index, candidate, table!);
      score = remembered.score[index];
      signals = stableLive ? rememberedSignals(remembered, index, candidate.channel_id, live) : live.get(candidate.channel_id);
    } else {
      score = scoreOf(scores, candidate.channel_id, candidate.model);
      signals = live.get(candidate.channel_id);
    }
    measureOne(input, workspace, candidate, index, score, signals);
    gather(workspace, index++, profile.output_tokens);
  }
  conclude(workspace, profile.models.length, profile.output_tokens);
  for (index = 0; index < count; index++) normalise(workspace, index, settings, profile.output_tokens);
  // The odds (ODDS) are computed only for the groups the ordering draws from, when it lists
  // them (workspace.ts listMembers): most plans never reach the unhealthy tier or a fallback model.
}

function measureOne(
  input: PlanInput,
  workspace: Workspace,
  candidate: Candidate,
  index: number,
  score: ChannelScore | undefined,
  signals: LiveChannelSignals | undefined,
): void {
  const { data, state, explore, model } = workspace;
  // Most requests name one model: one comparison instead of a call per candidate.
  const models = input.profile.models;
  const modelIndex = models[0] === candidate.model ? 0 : models.indexOf(candidate.model);
  model[index] = modelIndex;
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
      } else if (score.down && breaker === 'closed' && input.now - score.last_ts > K.down_probe_after_ms) {
        // Down on evidence nobody has refreshed: with no traffic the push cannot notice a
        // recovery, so a small share of first choices asks again (the rest retry elsewhere).
        probeShare = K.down_probe_share;
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
  const successes = signals?.recent_successes ?? 0;
  // recent_failures read inline, not into a `?? 0` local: that local was tagged, so a
  // fractional count (a double field) was boxed, one heap number per candidate per plan.
  successP =
    (successP * K.score_strength + successes) /
    (K.score_strength + successes + (signals === undefined ? 0 : signals.recent_failures));
  data[base + TTFT] = ttft;
  data[base + WARM] = 0;
  data[base + AFFINITY_MARGIN] = 0;
  data[base + AFFINITY_TTFT] = 0;
  if (input.conversation !== undefined) creditConversation(input, workspace, candidate, score, base);
  data[base + TOKENS_PER_S] = tokensPerS;
  data[base + FAILURE] = 1 - successP;
  // The isolate's own load, or the cluster's (pushed) when that is worse: many isolates each
  // seeing a few requests in flight must not herd onto one channel together. The cluster's
  // count is weighed only against a configured max_concurrency (the default capacity is a
  // per-isolate guess), and only past a knee: a fleet using 60% of a channel's limit is no
  // reason to leave it, one nearing the limit is.
  const limit = candidate.max_concurrency;
  let load = (signals?.in_flight ?? 0) / Math.max(1, limit ?? K.default_capacity);
  const cluster = limit === null ? null : (score?.in_flight ?? null);
  if (cluster !== null && limit !== null) {
    const pressure = (cluster / Math.max(1, limit) - K.cluster_load_knee) / (1 - K.cluster_load_knee);
    if (pressure > load) load = pressure;
  }
  data[base + LOAD] = Math.min(2, load);
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

/** What normalise needs of each group that does not depend on the candidate: computed once, not per row. */
function conclude(workspace: Workspace, models: number, outputTokens: number): void {
  for (let slot = 0; slot < models * 2; slot++) {
    const group = workspace.groups[slot]!;
    if (group.members === 0) continue;
    group.scale_or_one = group.scale > 0 ? group.scale : 1;
    group.fill_ttft = group.known_ttft > 0 ? group.sum_ttft / group.known_ttft : K.default_ttft_ms;
    group.min_ttft_or_fill = Math.min(group.min_ttft, group.fill_ttft);
    group.fill_tokens_per_s =
      group.known_tokens_per_s > 0 ? group.sum_tokens_per_s / group.known_tokens_per_s : K.default_tokens_per_s;
    group.min_generation_or_fill = Math.min(group.min_generation, outputTokens / group.fill_tokens_per_s);
  }
}

function normalise(workspace: Workspace, index: number, settings: RouterSettings, outputTokens: number): void {
  const group = groupOf(workspace, index);
  if (group === undefined) return;
  const data = workspace.data;
  const base = index * WIDTH;

  const margin = clamp01(1 - (group.best_margin - read(data, base + MARGIN)) / group.scale_or_one);

  const rawTtft = read(data, base + TTFT);
  const ttftValue = rawTtft === rawTtft ? rawTtft : group.fill_ttft;
  const ttft = (group.min_ttft_or_fill + K.ttft_offset_ms) / (ttftValue + K.ttft_offset_ms);

  const rawTps = read(data, base + TOKENS_PER_S);
  const generation = outputTokens / (rawTps === rawTps ? rawTps : group.fill_tokens_per_s);
  const throughput = (group.min_generation_or_fill + K.generation_offset_s) / (generation + K.generation_offset_s);

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
  data[base + C_AFFINITY] =
    read(data, base + AFFINITY_MARGIN) !== 0 || read(data, base + WARM) === 1
      ? affinityUtility(data, base, group, settings, margin, ttft, ttftValue)
      : 0;
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
