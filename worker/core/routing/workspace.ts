// The planner's scratch memory: per-candidate numbers in one flat typed array (a row of
// WIDTH slots per candidate), a few byte arrays and the per-model-and-tier statistics.
// Allocating these per plan cost most of a plan's time (typed arrays have off-heap backing
// stores, and the GC must track each one), so plan() borrows a workspace from a small pool
// and gives it back before it returns. Nothing a caller can see survives in a workspace:
// plan() copies what its explanation needs into the plan itself (rows.ts), and every slot a
// plan reads is written by that plan first (see resetWorkspace).

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
// Prompt-cache affinity (affinity.ts): written for every usable row, zero unless warm.
export const WARM = 19; // 1 when the conversation's cache on this channel is still warm
export const AFFINITY_MARGIN = 20; // USD the warm cache adds to the margin
export const AFFINITY_TTFT = 21; // ms the warm cache takes off the TTFT
export const C_AFFINITY = 22; // utility the two credits add (the explanation's `affinity`)
export const WIDTH = 23;

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
  // Derived once the group is gathered (objective.ts conclude), read by every row's normalisation.
  scale_or_one: number;
  fill_ttft: number;
  min_ttft_or_fill: number;
  fill_tokens_per_s: number;
  min_generation_or_fill: number;
}

export interface Workspace {
  /** Candidates of the current plan: only rows below count are meaningful. */
  count: number;
  /** Rows the arrays below can hold (≥ count). */
  capacity: number;
  /** capacity × WIDTH slots; read through valueOf. */
  data: Float64Array;
  /** HEALTHY, UNHEALTHY or REJECTED; read through tierOf. */
  state: Uint8Array;
  /** 1 when the candidate's numbers are stale or thin: it may get exploration traffic. */
  explore: Uint8Array;
  /** Index of the candidate's model in profile.models, −1 when not requested. */
  model: Int16Array;
  /** 1 once the ordering has placed the candidate. */
  taken: Uint8Array;
  /**
   * The usable candidates of one model and tier in input order (listed_model, listed_tier),
   * listed_count long: the ordering walks these instead of every candidate several times.
   */
  listed: Int32Array;
  listed_model: number;
  listed_tier: number;
  listed_count: number;
  /** The candidates a plan's rows keep, best first (rows.ts); MAX_KEPT long. */
  kept: Int32Array;
  /** Per model and tier: groups[model * 2 + tier]; only the first 2 × models are in use. */
  groups: GroupStatistics[];
  /** The current plan's own array (handed to its explanation), or undefined when none was rejected. */
  rejections: (string | undefined)[] | undefined;
}

/** Workspaces kept between plans; more are made when plans nest (a random source that plans). */
const POOL_LIMIT = 4;
/** A workspace that grew past this many rows is not kept: one huge plan must not pin its memory. */
const POOLED_ROWS_LIMIT = 4_096;
const pool: Workspace[] = [];
/** rows.ts MAX_KEPT (not imported: rows.ts depends on this file). */
const KEPT_CAPACITY = 16;

/** A workspace ready for a plan of `count` candidates over `models` models. Give it back with releaseWorkspace. */
export function borrowWorkspace(count: number, models: number): Workspace {
  const workspace = pool.pop() ?? createWorkspace(Math.max(16, count));
  if (workspace.capacity < count) resize(workspace, Math.max(count, workspace.capacity * 2));
  resetWorkspace(workspace, count, models);
  return workspace;
}

export function releaseWorkspace(workspace: Workspace): void {
  // The plan's rejections now belong to its explanation: drop the reference.
  workspace.rejections = undefined;
  if (pool.length < POOL_LIMIT && workspace.capacity <= POOLED_ROWS_LIMIT) pool.push(workspace);
}

/** Empties the pool, so that the next plan starts from fresh memory (tests compare the two). */
export function drainWorkspacePool(): void {
  pool.length = 0;
}

function createWorkspace(capacity: number): Workspace {
  return {
    count: 0,
    capacity,
    data: new Float64Array(capacity * WIDTH),
    state: new Uint8Array(capacity),
    explore: new Uint8Array(capacity),
    model: new Int16Array(capacity),
    taken: new Uint8Array(capacity),
    listed: new Int32Array(capacity),
    listed_model: -1,
    listed_tier: -1,
    listed_count: 0,
    kept: new Int32Array(KEPT_CAPACITY),
    groups: [],
    rejections: undefined,
  };
}

function resize(workspace: Workspace, capacity: number): void {
  const fresh = createWorkspace(capacity);
  workspace.capacity = capacity;
  workspace.data = fresh.data;
  workspace.state = fresh.state;
  workspace.explore = fresh.explore;
  workspace.model = fresh.model;
  workspace.taken = fresh.taken;
  workspace.listed = fresh.listed;
}

/**
 * What a plan reads before it writes: `taken` and the group statistics. `explore` is cleared
 * too, defensively (measure writes it only for usable candidates, and only those are read).
 * Every other slot of a row is written by measure (ODDS: by listMembers, for the rows it lists)
 * before anything reads it; a rejected row's
 * numbers are never read (rows.ts writes zeros for them).
 */
function resetWorkspace(workspace: Workspace, count: number, models: number): void {
  workspace.count = count;
  workspace.rejections = undefined;
  // The list belongs to the plan that made it: a later plan must list its own.
  workspace.listed_model = -1;
  workspace.listed_tier = -1;
  workspace.listed_count = 0;
  workspace.taken.fill(0, 0, count);
  workspace.explore.fill(0, 0, count);
  const groups = workspace.groups;
  for (let slot = 0; slot < models * 2; slot++) {
    const group = groups[slot];
    if (group === undefined) groups.push(emptyGroup());
    else resetGroup(group);
  }
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
    scale_or_one: 1,
    fill_ttft: 0,
    min_ttft_or_fill: 0,
    fill_tokens_per_s: 0,
    min_generation_or_fill: 0,
  };
}

function resetGroup(group: GroupStatistics): void {
  group.members = 0;
  group.best_margin = -Infinity;
  group.scale = 0;
  group.min_ttft = Infinity;
  group.sum_ttft = 0;
  group.known_ttft = 0;
  group.min_generation = Infinity;
  group.sum_tokens_per_s = 0;
  group.known_tokens_per_s = 0;
  group.min_failure = Infinity;
  group.max_priority = -Infinity;
  group.max_logit = -Infinity;
  // The derived fields need no reset: conclude (objective.ts) writes them for every group
  // with members before normalise reads them, and nothing reads them for an empty group.
}

/** A candidate's slot (index below count). */
export function valueOf(workspace: Workspace, index: number, slot: number): number {
  return workspace.data[index * WIDTH + slot] ?? NaN;
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

/**
 * Lists the usable candidates of a model and tier in workspace.listed (input order) and
 * returns how many; the list of the last call is kept, so asking again costs nothing. Also
 * writes their ODDS, exp(logit − the group's maximum logit): only listed rows' odds are ever
 * read, and the ordering lists only the groups it draws from.
 */
export function listMembers(workspace: Workspace, modelIndex: number, tier: number): number {
  if (workspace.listed_model === modelIndex && workspace.listed_tier === tier) return workspace.listed_count;
  const { listed, model, state, data } = workspace;
  let length = 0;
  const group = workspace.groups[modelIndex * 2 + tier];
  if (group !== undefined && group.members > 0) {
    const maxLogit = group.max_logit;
    for (let index = 0; index < workspace.count; index++) {
      if (model[index] !== modelIndex || state[index] !== tier) continue;
      listed[length++] = index;
      const base = index * WIDTH;
      data[base + ODDS] = Math.exp(Math.max(-700, data[base + LOGIT]! - maxLogit));
    }
  }
  workspace.listed_model = modelIndex;
  workspace.listed_tier = tier;
  workspace.listed_count = length;
  return length;
}

/** The statistics of the candidate's model and tier; undefined for a rejected candidate. */
export function groupOf(workspace: Workspace, index: number): GroupStatistics | undefined {
  const tier = tierOf(workspace, index);
  return tier === REJECTED ? undefined : workspace.groups[modelOf(workspace, index) * 2 + tier];
}
