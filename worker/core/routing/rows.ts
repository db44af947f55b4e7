// What a plan keeps of its workspace once the workspace goes back to the pool (workspace.ts):
// per kept candidate its five components, utility, probability of being first and a few
// flags, in one plain array. By default it keeps only what the decision record shows (the
// MAX_KEPT most probable usable candidates, then rejected ones while there is room), picked
// by a partial selection: copying every candidate's row made garbage in proportion to the
// fleet on every request, and that garbage cost more than the plan itself. `explain: true`
// keeps every candidate (the full explanation).
import type { Candidate } from '../types';
import {
  C_AFFINITY,
  C_LOAD,
  C_MARGIN,
  C_RELIABILITY,
  C_THROUGHPUT,
  C_TTFT,
  PROBABILITY,
  PROBE_SHARE,
  REJECTED,
  UTILITY,
  WARM,
  WIDTH,
  type Workspace,
} from './workspace';

/** Candidates a decision record (and a plan made without `explain`) keeps. */
export const MAX_KEPT = 16;

// Slots of a row in PlanRows.values.
export const ROW_MARGIN = 0;
export const ROW_TTFT = 1;
export const ROW_THROUGHPUT = 2;
export const ROW_RELIABILITY = 3;
export const ROW_LOAD = 4;
export const ROW_UTILITY = 5;
export const ROW_PROBABILITY = 6;
export const ROW_FLAGS = 7;
/** Utility the conversation's warm cache added (0 unless WARM_CACHE). */
export const ROW_AFFINITY = 8;
export const ROW_WIDTH = 9;

// ROW_FLAGS: the tier (HEALTHY, UNHEALTHY or REJECTED) in the low two bits, then these.
export const TIER_MASK = 3;
/** Stale or thin numbers: the candidate could get exploration traffic. */
export const EXPLORING = 4;
/** A half-open breaker's probe or an isolate-seen recovery asked for a share of first choices. */
export const PROBING = 8;
/** The conversation's prompt cache on this channel is warm: the affinity credit applies. */
export const WARM_CACHE = 16;

export interface PlanRows {
  candidates: readonly Candidate[];
  /** The candidate index of each row, ascending: every candidate (explain) or the kept ones. */
  indices: number[];
  /** indices.length × ROW_WIDTH numbers. */
  values: number[];
  /** Row positions in the decision record's order; at most MAX_KEPT. */
  ranked: number[];
  /** The hard constraint that removed each rejected candidate, by candidate index. */
  rejections: readonly (string | undefined)[] | undefined;
  /** Usable candidates of the first attempt's model and tier, and the best utility among them. */
  rivals: number;
  top_utility: number;
  top_channel: string | null;
}

/**
 * Copies the rows out of a workspace that is about to go back to the pool. `first`: the
 * first attempt's candidate index (−1 when none).
 */
export function captureRows(candidates: readonly Candidate[], workspace: Workspace, first: number, complete: boolean): PlanRows {
  const { data, state, model } = workspace;
  const count = workspace.count;
  const kept = workspace.kept;
  let keptCount = 0;
  let rivals = 0;
  let top = -1;
  const firstModel = first >= 0 ? model[first]! : -2;
  const firstTier = first >= 0 ? state[first]! : -2;
  for (let index = 0; index < count; index++) {
    const tier = state[index]!;
    if (tier === REJECTED) continue;
    if (model[index] === firstModel && tier === firstTier) {
      rivals++;
      if (top < 0 || data[index * WIDTH + UTILITY]! > data[top * WIDTH + UTILITY]!) top = index;
    }
    // Insertion into the kept list (best first): most candidates lose to the last kept one at once.
    if (keptCount === MAX_KEPT && !ranksBefore(workspace, index, kept[MAX_KEPT - 1]!)) continue;
    let position = keptCount < MAX_KEPT ? keptCount++ : MAX_KEPT - 1;
    while (position > 0 && ranksBefore(workspace, index, kept[position - 1]!)) {
      kept[position] = kept[position - 1]!;
      position--;
    }
    kept[position] = index;
  }
  if (first >= 0 && !keeps(kept, keptCount, first)) {
    // A draw can pick an improbable candidate: the record always shows the one that was tried
    // first, last (it ranks below every other one kept).
    if (keptCount < MAX_KEPT) kept[keptCount++] = first;
    else kept[MAX_KEPT - 1] = first;
  }
  for (let index = 0; index < count && keptCount < MAX_KEPT; index++) {
    if (state[index] === REJECTED) kept[keptCount++] = index;
  }
  // Each array is made once at its final length (a slice of a template of its element kind):
  // grown by push, the three arrays and V8's sort of them were two thirds of a plan's garbage.
  let indices: number[];
  if (complete) {
    indices = integers(count);
    for (let index = 0; index < count; index++) indices[index] = index;
  } else {
    indices = integers(keptCount);
    for (let position = 0; position < keptCount; position++) {
      // Insertion sort, ascending: at most MAX_KEPT numbers.
      const index = kept[position]!;
      let slot = position;
      while (slot > 0 && indices[slot - 1]! > index) {
        indices[slot] = indices[slot - 1]!;
        slot--;
      }
      indices[slot] = index;
    }
  }
  const values = doubles(indices.length * ROW_WIDTH);
  for (let row = 0; row < indices.length; row++) writeRow(values, row * ROW_WIDTH, workspace, indices[row]!);
  const ranked = integers(keptCount);
  for (let position = 0; position < keptCount; position++) {
    ranked[position] = complete ? kept[position]! : indices.indexOf(kept[position]!);
  }
  return {
    candidates,
    indices,
    values,
    ranked,
    rejections: workspace.rejections,
    rivals,
    top_utility: top >= 0 ? data[top * WIDTH + UTILITY]! : 0,
    top_channel: top >= 0 ? candidates[top]!.channel_id : null,
  };
}

function keeps(kept: Int32Array, keptCount: number, index: number): boolean {
  for (let position = 0; position < keptCount; position++) if (kept[position] === index) return true;
  return false;
}

/** Decision order: probability, then healthy before unhealthy, then utility; ties keep input order. */
function ranksBefore(workspace: Workspace, a: number, b: number): boolean {
  const { data, state } = workspace;
  const probabilityA = data[a * WIDTH + PROBABILITY]!;
  const probabilityB = data[b * WIDTH + PROBABILITY]!;
  if (probabilityA !== probabilityB) return probabilityA > probabilityB;
  if (state[a] !== state[b]) return state[a]! < state[b]!;
  return data[a * WIDTH + UTILITY]! > data[b * WIDTH + UTILITY]!;
}

function writeRow(values: number[], offset: number, workspace: Workspace, index: number): void {
  const { data, state, explore } = workspace;
  const tier = state[index]!;
  if (tier === REJECTED) {
    // A rejected row's numbers were never computed (the slots may hold an earlier plan's): zeros.
    for (let slot = 0; slot < ROW_WIDTH; slot++) values[offset + slot] = 0;
    values[offset + ROW_FLAGS] = REJECTED;
    return;
  }
  const base = index * WIDTH;
  values[offset + ROW_MARGIN] = data[base + C_MARGIN]!;
  values[offset + ROW_TTFT] = data[base + C_TTFT]!;
  values[offset + ROW_THROUGHPUT] = data[base + C_THROUGHPUT]!;
  values[offset + ROW_RELIABILITY] = data[base + C_RELIABILITY]!;
  values[offset + ROW_LOAD] = data[base + C_LOAD]!;
  values[offset + ROW_UTILITY] = data[base + UTILITY]!;
  values[offset + ROW_PROBABILITY] = data[base + PROBABILITY]!;
  values[offset + ROW_FLAGS] =
    tier |
    (explore[index] === 1 ? EXPLORING : 0) |
    (data[base + PROBE_SHARE]! > 0 ? PROBING : 0) |
    (data[base + WARM] === 1 ? WARM_CACHE : 0);
  values[offset + ROW_AFFINITY] = data[base + C_AFFINITY]!;
}

/** Templates the kept rows' arrays are sliced from: packed, of the element kind they will hold. */
const DOUBLE_TEMPLATE: number[] = Array.from({ length: MAX_KEPT * ROW_WIDTH }, () => 0.5);
const INTEGER_TEMPLATE: number[] = Array.from({ length: MAX_KEPT }, () => 0);

/** A packed array of doubles of this length (contents to be overwritten). */
function doubles(length: number): number[] {
  if (length <= DOUBLE_TEMPLATE.length) return DOUBLE_TEMPLATE.slice(0, length);
  const result: number[] = [];
  for (let index = 0; index < length; index++) result.push(0.5);
  return result;
}

/** A packed array of small integers of this length (contents to be overwritten). */
function integers(length: number): number[] {
  if (length <= INTEGER_TEMPLATE.length) return INTEGER_TEMPLATE.slice(0, length);
  const result: number[] = [];
  for (let index = 0; index < length; index++) result.push(0);
  return result;
}

export function rowValue(rows: PlanRows, row: number, slot: number): number {
  return rows.values[row * ROW_WIDTH + slot] ?? 0;
}

/** A kept row as the explanation and the decision record show it: rounded to four places. */
export function rowScores(rows: PlanRows, row: number): {
  components: { margin: number; ttft: number; throughput: number; reliability: number; load: number };
  utility: number;
  probability: number;
} {
  return {
    components: {
      margin: round4(rowValue(rows, row, ROW_MARGIN)),
      ttft: round4(rowValue(rows, row, ROW_TTFT)),
      throughput: round4(rowValue(rows, row, ROW_THROUGHPUT)),
      reliability: round4(rowValue(rows, row, ROW_RELIABILITY)),
      load: round4(rowValue(rows, row, ROW_LOAD)),
    },
    utility: round4(rowValue(rows, row, ROW_UTILITY)),
    probability: round4(rowValue(rows, row, ROW_PROBABILITY)),
  };
}

export function round4(value: number): number {
  return Math.round(value * 10000) / 10000;
}

export function rowTier(rows: PlanRows, row: number): number {
  return (rows.values[row * ROW_WIDTH + ROW_FLAGS] ?? REJECTED) & TIER_MASK;
}

export function rowHas(rows: PlanRows, row: number, flag: number): boolean {
  return ((rows.values[row * ROW_WIDTH + ROW_FLAGS] ?? 0) & flag) !== 0;
}

/** The candidate a row describes. */
export function rowCandidate(rows: PlanRows, row: number): Candidate {
  return rows.candidates[rows.indices[row]!]!;
}
