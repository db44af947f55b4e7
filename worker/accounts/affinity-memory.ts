// The isolate's memory of conversations (issue 14): conversation → the channel that served its
// latest turn, and when. A bounded LRU read by every request that has a conversation (one Map
// lookup), written when an attempt succeeds. What this isolate served also waits, per user,
// for the next call to that user's account object (a lease report, at most a second later),
// which shares it with the user's other isolates and brings theirs back (affinity-book.ts).
import type { AffinityAnswer, AffinityReport, ConversationServed } from './affinity-types';
import { CONVERSATION_MEMORY_MS, CONVERSATIONS_PER_USER } from './affinity-types';

/** Conversations one isolate remembers (about 150 bytes each). */
export const ISOLATE_CONVERSATIONS = 20_000;

export class AffinityMemory {
  /**
   * Two generations instead of an LRU list: when the current one holds half the capacity it
   * becomes the previous one (the older previous is dropped whole), and a hit in the previous
   * moves the entry forward. O(1) per operation with no eviction walk: deleting the oldest
   * entry of a JS Map one at a time leaves holes that every later `keys().next()` must skip.
   */
  #current = new Map<string, ConversationServed>();
  #previous = new Map<string, ConversationServed>();
  /** Per user: updates not yet reported to its account object (latest per conversation). */
  readonly #pending = new Map<string, Map<string, ConversationServed>>();
  /** Per user: the account object's cursor as of the last answer. */
  readonly #cursors = new Map<string, string>();

  constructor(
    private readonly capacity = ISOLATE_CONVERSATIONS,
    private readonly memoryMs = CONVERSATION_MEMORY_MS,
  ) {}

  get size(): number {
    let size = this.#current.size;
    for (const key of this.#previous.keys()) if (!this.#current.has(key)) size += 1;
    return size;
  }

  /** The conversation's latest turn, if remembered and not too old. */
  lookup(key: string, now: number): ConversationServed | null {
    let entry = this.#current.get(key);
    if (entry === undefined) {
      entry = this.#previous.get(key);
      if (entry === undefined) return null;
      this.#remember(entry);
    }
    return now - entry.served_at >= this.memoryMs ? null : entry;
  }

  /** An attempt of `userId`'s request succeeded on this channel. */
  served(userId: string, update: ConversationServed): void {
    this.#remember(update);
    let pending = this.#pending.get(userId);
    if (pending === undefined) this.#pending.set(userId, (pending = new Map()));
    pending.delete(update.key);
    pending.set(update.key, update);
    // A user who served more than the object keeps between two reports: the oldest go
    // unshared (trimmed in one pass now and then, for the reason #current explains).
    if (pending.size > 2 * CONVERSATIONS_PER_USER) this.#pending.set(userId, new Map([...pending].slice(-CONVERSATIONS_PER_USER)));
  }

  /** The affinity fields of the next lease call for this user; restore() them if it fails. */
  outgoing(userId: string): AffinityReport {
    const pending = this.#pending.get(userId);
    this.#pending.delete(userId);
    const cursor = this.#cursors.get(userId);
    return {
      ...(pending !== undefined && pending.size > 0 ? { conversations: [...pending.values()].slice(-CONVERSATIONS_PER_USER) } : {}),
      ...(cursor !== undefined ? { conversations_since: cursor } : {}),
    };
  }

  /** The call did not reach the object: report these with the next one (newer updates win). */
  restore(userId: string, report: AffinityReport): void {
    for (const update of report.conversations ?? []) {
      const pending = this.#pending.get(userId);
      const newer = pending?.get(update.key);
      if (newer === undefined || newer.served_at < update.served_at) {
        const map = pending ?? new Map<string, ConversationServed>();
        map.set(update.key, update);
        this.#pending.set(userId, map);
      }
    }
  }

  /** What the object answered: the user's conversations served anywhere since the cursor. */
  absorb(userId: string, answer: AffinityAnswer | undefined): void {
    if (answer === undefined) return;
    for (const update of answer.conversations ?? []) {
      const known = this.#current.get(update.key) ?? this.#previous.get(update.key);
      if (known === undefined || known.served_at < update.served_at) this.#remember(update);
    }
    if (typeof answer.conversations_cursor === 'string') {
      this.#cursors.delete(userId);
      this.#cursors.set(userId, answer.conversations_cursor);
      // A forgotten cursor only means the next answer repeats the user's list (64 at most).
      if (this.#cursors.size > this.capacity) this.#cursors.clear();
    }
  }

  #remember(update: ConversationServed): void {
    this.#current.set(update.key, { key: update.key, channel_id: update.channel_id, served_at: update.served_at });
    if (this.#current.size >= this.capacity / 2) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
  }
}
