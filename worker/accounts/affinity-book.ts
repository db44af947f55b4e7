// The account object's side of conversation affinity: per user, the channel that served each
// of its most recent conversations (at most CONVERSATIONS_PER_USER, none older than
// CONVERSATION_MEMORY_MS). In memory only, never written to storage: it is a routing hint, and
// an object that restarts forgets it (the isolates still remember what they served, and a
// lost hint costs one cold turn, not money). Every change gets a sequence number, so an
// isolate's lease call receives only what changed since its last one: a report usually
// carries none.
import type { AffinityAnswer, AffinityReport, ConversationServed } from './affinity-types';
import { CONVERSATION_MEMORY_MS, CONVERSATIONS_PER_USER } from './affinity-types';

interface Entry extends ConversationServed {
  sequence: number;
}

export class AffinityBook {
  /** Insertion order = order of the latest change (re-inserted on update). */
  readonly #entries = new Map<string, Entry>();
  /** Distinguishes this instance's sequence numbers from a previous instance's. */
  readonly #epoch: string;
  #sequence = 0;

  constructor(
    epoch: string = crypto.randomUUID().slice(0, 8),
    private readonly capacity = CONVERSATIONS_PER_USER,
    private readonly memoryMs = CONVERSATION_MEMORY_MS,
  ) {
    this.#epoch = epoch;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Apply an isolate's updates, then answer with everything changed since its cursor. */
  exchange(report: AffinityReport, now: number): AffinityAnswer {
    for (const update of report.conversations ?? []) this.#apply(update, now);
    this.#expire(now);
    const since = this.#cursorOf(report.conversations_since);
    const conversations: ConversationServed[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.sequence > since) conversations.push({ key: entry.key, channel_id: entry.channel_id, served_at: entry.served_at });
    }
    return { conversations, conversations_cursor: `${this.#epoch}:${this.#sequence}` };
  }

  #apply(update: ConversationServed, now: number): void {
    if (!isValid(update) || now - update.served_at >= this.memoryMs) return;
    const known = this.#entries.get(update.key);
    // Reports from several isolates arrive in any order: the latest turn wins.
    if (known !== undefined && (known.served_at > update.served_at || (known.served_at === update.served_at && known.channel_id === update.channel_id))) return;
    this.#entries.delete(update.key);
    this.#entries.set(update.key, { key: update.key, channel_id: update.channel_id, served_at: update.served_at, sequence: ++this.#sequence });
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  #expire(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (now - entry.served_at >= this.memoryMs) this.#entries.delete(key);
    }
  }

  /** A cursor of this instance: its sequence; of another (or none, or garbage): send everything. */
  #cursorOf(cursor: string | undefined): number {
    if (cursor === undefined) return 0;
    const [epoch, sequence] = cursor.split(':');
    const value = Number(sequence);
    return epoch === this.#epoch && Number.isInteger(value) && value >= 0 ? value : 0;
  }
}

function isValid(update: ConversationServed): boolean {
  return (
    typeof update === 'object' && update !== null &&
    typeof update.key === 'string' && update.key.length > 0 && update.key.length <= 128 &&
    typeof update.channel_id === 'string' && update.channel_id.length > 0 && update.channel_id.length <= 256 &&
    Number.isFinite(update.served_at)
  );
}
