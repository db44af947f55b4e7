// What each candidate's score lookup found, remembered per score table (ScoreIndex) so that a
// plan over the same candidates does not look every score up again: the lookup (two hash
// probes a candidate) was the largest per-candidate cost left after the second pass. With a
// LiveSignalMap (live-signal-map.ts) the candidate's live-signals object is remembered too.
//
// The worker builds its candidate list per request (prepare.ts: models.flatMap), so the
// array is new every time, but its elements are the catalog's own objects until the next
// catalog load. A list is therefore found by its first candidate object, and every position
// is checked by identity (the candidate object, its channel id and its model) before what is
// remembered for it is used; a position that differs is looked up and remembered again. So
// the answer is always what ScoreIndex.find and live.get say for the candidate as it is now:
// a list changed in place, a candidate whose channel or model was edited, a longer list
// sharing a prefix (fallback models) all read correct entries. The table itself cannot
// change (a new version is a new ScoreIndex, with an empty memory); the live map's entries
// cannot be replaced or deleted (LiveSignalMap), and an absent one is looked up every plan.
import type { Candidate, ChannelScore } from '../types';
import type { LiveChannelSignals } from './types';

export interface CandidateScores {
  candidate: Candidate[];
  channel: string[];
  model: string[];
  score: (ChannelScore | undefined)[];
  /** The live map the signals below came from (another map: forgotten). */
  live: ReadonlyMap<string, LiveChannelSignals> | undefined;
  signals: (LiveChannelSignals | undefined)[];
}

/** Lists one table remembers: candidates rebuilt per request (a group multiplier ≠ 1) must not grow it without bound. */
const MAX_LISTS = 64;

export class CandidateScoreMemory {
  readonly #lists = new Map<Candidate, CandidateScores>();

  /** The memory of the lists starting with this candidate; undefined once MAX_LISTS are held. */
  listOf(first: Candidate): CandidateScores | undefined {
    let list = this.#lists.get(first);
    if (list === undefined && this.#lists.size < MAX_LISTS) {
      list = { candidate: [], channel: [], model: [], score: [], live: undefined, signals: [] };
      this.#lists.set(first, list);
    }
    return list;
  }
}

/**
 * Makes position `index` of the memory describe `candidate`: kept when it already does (by
 * identity), else its score found and remembered and its signals forgotten. Positions are
 * visited in order from 0 (measure walks the list in order), so the arrays stay packed.
 */
export function rememberCandidate(
  list: CandidateScores,
  index: number,
  candidate: Candidate,
  table: { find(channel_id: string, model: string): ChannelScore | undefined },
): void {
  if (list.candidate[index] === candidate && list.channel[index] === candidate.channel_id && list.model[index] === candidate.model) {
    return;
  }
  list.candidate[index] = candidate;
  list.channel[index] = candidate.channel_id;
  list.model[index] = candidate.model;
  list.score[index] = table.find(candidate.channel_id, candidate.model);
  if (index < list.signals.length) list.signals[index] = undefined;
}

/**
 * The live signals of the candidate at a position rememberCandidate has just checked: the
 * remembered object, or looked up (and remembered when found). Only for a LiveSignalMap,
 * the one map whose entries are never replaced.
 */
export function rememberedSignals(list: CandidateScores, index: number, channel_id: string, live: ReadonlyMap<string, LiveChannelSignals>): LiveChannelSignals | undefined {
  if (index < list.signals.length) {
    const known = list.signals[index];
    if (known !== undefined) return known;
    return (list.signals[index] = live.get(channel_id));
  }
  return (list.signals[index] = live.get(channel_id));
}

/** Called once per plan before the positions are visited: signals of another live map are forgotten. */
export function useLive(list: CandidateScores, live: ReadonlyMap<string, LiveChannelSignals>): void {
  if (list.live !== live) {
    list.live = live;
    list.signals.length = 0;
  }
}
