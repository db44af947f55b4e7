// The pushed scores, indexed once when a table arrives so that the planner finds a
// candidate's score without building a string per candidate per request. Looking a score up
// by `scoreKey(channel, model)` concatenates two strings and hashes the result, every time;
// channel ids and model names are the catalog's own strings, whose hashes V8 keeps, so two
// Map lookups on them cost a fraction of that. A ScoreIndex is also a ReadonlyMap keyed by
// scoreKey, so it is a valid PlanInput.scores; it cannot be changed after it is built.
import type { Candidate, ChannelScore } from '../types';
import { CandidateScoreMemory, type CandidateScores } from './candidate-scores';
import { scoreKey } from './types';

/**
 * A channel's scores: the first model's directly (most channels serve one or a few models,
 * and a string comparison is cheaper than a second Map lookup), the others in a Map.
 */
interface ChannelEntry {
  model: string;
  score: ChannelScore;
  others: Map<string, ChannelScore> | undefined;
}

export class ScoreIndex implements ReadonlyMap<string, ChannelScore> {
  readonly #flat: Map<string, ChannelScore>;
  readonly #byChannel = new Map<string, ChannelEntry>();
  /** What plans over this table found for their candidates (candidate-scores.ts). */
  readonly #remembered = new CandidateScoreMemory();

  constructor(entries: Iterable<ChannelScore>) {
    this.#flat = new Map();
    for (const entry of entries) {
      this.#flat.set(scoreKey(entry.channel_id, entry.model), entry);
      const channel = this.#byChannel.get(entry.channel_id);
      if (channel === undefined) this.#byChannel.set(entry.channel_id, { model: entry.model, score: entry, others: undefined });
      // A repeated channel × model: the last entry wins, as in the flat map.
      else if (channel.model === entry.model) channel.score = entry;
      else (channel.others ??= new Map()).set(entry.model, entry);
    }
  }

  /** The score of a channel × model, without building its key. */
  find(channel_id: string, model: string): ChannelScore | undefined {
    const channel = this.#byChannel.get(channel_id);
    if (channel === undefined) return undefined;
    return channel.model === model ? channel.score : channel.others?.get(model);
  }

  /** The remembered scores of candidate lists starting with `first` (candidate-scores.ts); undefined when full. */
  rememberedList(first: Candidate): CandidateScores | undefined {
    return this.#remembered.listOf(first);
  }

  get size(): number {
    return this.#flat.size;
  }

  get(key: string): ChannelScore | undefined {
    return this.#flat.get(key);
  }

  has(key: string): boolean {
    return this.#flat.has(key);
  }

  forEach(callback: (value: ChannelScore, key: string, map: ReadonlyMap<string, ChannelScore>) => void, thisArgument?: unknown): void {
    for (const [key, value] of this.#flat) callback.call(thisArgument, value, key, this);
  }

  entries(): MapIterator<[string, ChannelScore]> {
    return this.#flat.entries();
  }

  keys(): MapIterator<string> {
    return this.#flat.keys();
  }

  values(): MapIterator<ChannelScore> {
    return this.#flat.values();
  }

  [Symbol.iterator](): MapIterator<[string, ChannelScore]> {
    return this.#flat[Symbol.iterator]();
  }
}

/** A candidate's score from any scores map: the index's fast path, or the key for a plain Map. */
export function scoreOf(scores: ReadonlyMap<string, ChannelScore>, channel_id: string, model: string): ChannelScore | undefined {
  return scores instanceof ScoreIndex ? scores.find(channel_id, model) : scores.get(scoreKey(channel_id, model));
}
