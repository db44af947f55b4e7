// The pushed scores, indexed once when a table arrives so that the planner finds a
// candidate's score without building a string per candidate per request. Looking a score up
// by `scoreKey(channel, model)` concatenates two strings and hashes the result, every time;
// channel ids and model names are the catalog's own strings, whose hashes V8 keeps, so two
// Map lookups on them cost a fraction of that. A ScoreIndex is also a ReadonlyMap keyed by
// scoreKey, so it is a valid PlanInput.scores; it cannot be changed after it is built.
import type { ChannelScore } from '../types';
import { scoreKey } from './types';

export class ScoreIndex implements ReadonlyMap<string, ChannelScore> {
  readonly #flat: Map<string, ChannelScore>;
  readonly #byChannel = new Map<string, Map<string, ChannelScore>>();

  constructor(entries: Iterable<ChannelScore>) {
    this.#flat = new Map();
    for (const entry of entries) {
      this.#flat.set(scoreKey(entry.channel_id, entry.model), entry);
      let models = this.#byChannel.get(entry.channel_id);
      if (models === undefined) this.#byChannel.set(entry.channel_id, (models = new Map()));
      models.set(entry.model, entry);
    }
  }

  /** The score of a channel × model, without building its key. */
  find(channel_id: string, model: string): ChannelScore | undefined {
    return this.#byChannel.get(channel_id)?.get(model);
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
