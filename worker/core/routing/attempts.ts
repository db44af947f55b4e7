// From measured candidates to the ordered attempt list. Model by model (profile.models
// order); inside a model, `provider.order` first, then either the deterministic
// `provider.sort` or softmax sampling without replacement; healthy channels before those
// whose breaker is open or that the analytics node reports down. Only as many attempts as
// max_attempts are drawn: a partial selection, never a full sort.
import type { Candidate } from '../types';
import {
  COST,
  FAILURE,
  HEALTHY,
  ODDS,
  PROBABILITY,
  PROBE_SHARE,
  REVENUE,
  TOKENS_PER_S,
  TTFT,
  UNHEALTHY,
  UTILITY,
  WARM,
  WIDTH,
  isExploring,
  listMembers,
  membersOf,
  valueOf,
  type Workspace,
} from './workspace';
import { ROUTING_CONSTANTS } from './presets';
import type { RouterSettings } from './settings';
import type { PlanInput } from './types';

export interface Ordering {
  attempts: Candidate[];
  /** The model whose candidates compete for the first attempt, or null when none is usable. */
  first_model: string | null;
  /** How the first attempt was chosen. */
  rule: 'sample' | 'order' | 'sort' | 'none';
  /** Share of first choices given to exploration for this request (0 when none). */
  exploration: number;
}

export function orderAttempts(input: PlanInput, workspace: Workspace, settings: RouterSettings): Ordering {
  const { candidates, policy, profile } = input;
  const provider = policy.provider;
  const maxAttempts = Math.max(1, Math.floor(policy.max_attempts));
  const pinned = provider?.allow_fallbacks === false;
  const order = provider?.order;
  const taken = workspace.taken;
  const attempts: Candidate[] = [];
  const result: Ordering = { attempts, first_model: null, rule: 'none', exploration: 0 };

  for (const [modelIndex, modelName] of profile.models.entries()) {
    if (attempts.length >= maxAttempts) break;
    const healthy = membersOf(workspace, modelIndex, HEALTHY);
    const unhealthy = membersOf(workspace, modelIndex, UNHEALTHY);
    if (healthy + unhealthy === 0) continue;
    const isFirst = result.first_model === null;
    const budget = Math.min(maxAttempts, attempts.length + (pinned && order === undefined ? 1 : Infinity));
    const start = attempts.length;
    if (isFirst) {
      result.first_model = modelName;
      const tier = healthy > 0 ? HEALTHY : UNHEALTHY;
      result.rule =
        order !== undefined && hasListed(input, workspace, modelIndex, tier, order)
          ? 'order'
          : provider?.sort !== undefined
            ? 'sort'
            : 'sample';
      if (result.rule === 'sample') {
        result.exploration = firstProbabilities(workspace, modelIndex, tier, settings);
      }
    }
    for (let tier = HEALTHY; tier <= UNHEALTHY; tier++) {
      if (order !== undefined) {
        for (const channel of order) {
          if (attempts.length >= budget) break;
          const index = findListed(input, workspace, modelIndex, tier, channel, taken);
          if (index >= 0) take(input, taken, attempts, index);
        }
      }
      if (pinned && order !== undefined) continue;
      while (attempts.length < budget) {
        const index =
          provider?.sort !== undefined
            ? bestBySort(workspace, modelIndex, tier, provider.sort, taken)
            : draw(input, workspace, modelIndex, tier, taken, isFirst && attempts.length === start);
        if (index < 0) break;
        take(input, taken, attempts, index);
      }
    }
    const first = attempts[start];
    if (isFirst && result.rule !== 'sample' && first !== undefined) {
      workspace.data[candidates.indexOf(first) * WIDTH + PROBABILITY] = 1;
    }
  }
  return result;
}

/**
 * Softmax over the model's tier, mixed with the shares the breakers ask for (probes,
 * recoveries) and a capped exploration share for stale or thin channels; returns the total
 * share not decided by the softmax.
 */
function firstProbabilities(workspace: Workspace, modelIndex: number, tier: number, settings: RouterSettings): number {
  const length = listMembers(workspace, modelIndex, tier);
  const { listed, data } = workspace;
  let sum = 0;
  let explorers = 0;
  let probes = 0;
  let warm = -1;
  let bestOther = -Infinity;
  for (let position = 0; position < length; position++) {
    const index = listed[position]!;
    const base = index * WIDTH;
    sum += data[base + ODDS]!;
    if (isExploring(workspace, index)) explorers++;
    probes += data[base + PROBE_SHARE]!;
    if (data[base + WARM] === 1) warm = index;
    else if (data[base + UTILITY]! > bestOther) bestOther = data[base + UTILITY]!;
  }
  // A conversation stays on its warm channel while no other channel's utility beats the warm
  // one's (its cache credit included): sampling would move a share of turns for nothing and
  // throw their cache away. Herding is no concern here: each conversation's first turn was
  // sampled, so conversations are spread already. When another channel does beat it, the
  // plain softmax decides, the warm channel keeping its credited odds.
  const stays = warm >= 0 && data[warm * WIDTH + UTILITY]! >= bestOther;
  const members = length;
  // Exploration is spent on requests with no warm cache only: sampling a thin channel for a
  // warm conversation throws its cache away (the turn is billed cold, and so is the move
  // back), while a new conversation's first turn costs the same wherever it goes. Probes and
  // recoveries (breakers) still take their shares: they are about a channel's health.
  const exploration =
    warm < 0 && explorers > 0 && explorers < members
      ? Math.min(settings.exploration_cap, ROUTING_CONSTANTS.exploration_per_channel * explorers)
      : 0;
  const probeScale = probes > ROUTING_CONSTANTS.probe_total_cap ? ROUTING_CONSTANTS.probe_total_cap / probes : 1;
  const rest = members > 1 ? Math.min(1, exploration + probes * probeScale) : 0;
  for (let position = 0; position < length; position++) {
    const index = listed[position]!;
    const base = index * WIDTH;
    const softmax = stays ? (index === warm ? 1 : 0) : data[base + ODDS]! / sum;
    data[base + PROBABILITY] =
      (1 - rest) * softmax +
      (members > 1
        ? (isExploring(workspace, index) ? exploration / explorers : 0) + data[base + PROBE_SHARE]! * probeScale
        : 0);
  }
  return rest;
}

/** One draw without replacement; the first draw of the request uses the exploration mix. */
function draw(
  input: PlanInput,
  workspace: Workspace,
  modelIndex: number,
  tier: number,
  taken: Uint8Array,
  first: boolean,
): number {
  const length = listMembers(workspace, modelIndex, tier);
  const { listed, data } = workspace;
  const slot = first ? PROBABILITY : ODDS;
  let sum = 0;
  let last = -1;
  for (let position = 0; position < length; position++) {
    const index = listed[position]!;
    if (taken[index] === 1) continue;
    sum += data[index * WIDTH + slot]!;
    last = position;
  }
  if (last < 0) return -1;
  let remaining = input.random() * sum;
  for (let position = 0; position < last; position++) {
    const index = listed[position]!;
    if (taken[index] === 1) continue;
    remaining -= data[index * WIDTH + slot]!;
    if (remaining < 0) return index;
  }
  return listed[last]!;
}

/** OpenRouter's `sort`: price ascending, latency ascending, throughput descending; no sampling. */
function bestBySort(
  workspace: Workspace,
  modelIndex: number,
  tier: number,
  sort: 'price' | 'latency' | 'throughput',
  taken: Uint8Array,
): number {
  const length = listMembers(workspace, modelIndex, tier);
  let best = -1;
  for (let position = 0; position < length; position++) {
    const index = workspace.listed[position]!;
    if (taken[index] === 1) continue;
    if (best < 0 || sortsBefore(workspace, index, best, sort)) best = index;
  }
  return best;
}

function sortsBefore(workspace: Workspace, a: number, b: number, sort: 'price' | 'latency' | 'throughput'): boolean {
  let keyA: number;
  let keyB: number;
  if (sort === 'price') {
    keyA = valueOf(workspace, a, REVENUE);
    keyB = valueOf(workspace, b, REVENUE);
    if (keyA === keyB) {
      keyA = valueOf(workspace, a, COST);
      keyB = valueOf(workspace, b, COST);
    }
  } else if (sort === 'latency') {
    keyA = orInfinity(valueOf(workspace, a, TTFT));
    keyB = orInfinity(valueOf(workspace, b, TTFT));
  } else {
    keyA = -orZero(valueOf(workspace, a, TOKENS_PER_S));
    keyB = -orZero(valueOf(workspace, b, TOKENS_PER_S));
  }
  if (keyA !== keyB) return keyA < keyB;
  const failureA = valueOf(workspace, a, FAILURE);
  const failureB = valueOf(workspace, b, FAILURE);
  if (failureA !== failureB) return failureA < failureB;
  return valueOf(workspace, a, UTILITY) > valueOf(workspace, b, UTILITY);
}

function hasListed(
  input: PlanInput,
  workspace: Workspace,
  modelIndex: number,
  tier: number,
  order: readonly string[],
): boolean {
  const length = listMembers(workspace, modelIndex, tier);
  for (let position = 0; position < length; position++) {
    if (order.includes(input.candidates[workspace.listed[position]!]!.channel_id)) return true;
  }
  return false;
}

function findListed(
  input: PlanInput,
  workspace: Workspace,
  modelIndex: number,
  tier: number,
  channel: string,
  taken: Uint8Array,
): number {
  const length = listMembers(workspace, modelIndex, tier);
  for (let position = 0; position < length; position++) {
    const index = workspace.listed[position]!;
    if (taken[index] !== 1 && input.candidates[index]!.channel_id === channel) return index;
  }
  return -1;
}

function take(input: PlanInput, taken: Uint8Array, attempts: Candidate[], index: number): void {
  const candidate = input.candidates[index];
  // Indexes come from scans of this very list; an index outside it is a bug, not a channel.
  if (candidate === undefined) throw new RangeError(`No candidate at index ${index}.`);
  taken[index] = 1;
  for (const attempt of attempts) {
    if (attempt.channel_id === candidate.channel_id && attempt.model === candidate.model) return;
  }
  attempts.push(candidate);
}

function orInfinity(value: number): number {
  return value === value ? value : Infinity;
}

function orZero(value: number): number {
  return value === value ? value : 0;
}
