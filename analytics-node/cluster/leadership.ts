// What a node believes about the analytics lease, pure (the clock is an argument). The
// worker grants the lease for ttl_s from when *it* received the request; the node counts
// from when it *sent* the request (earlier, on its own clock) and stops a margin before that,
// so it has stopped acting before the worker can give the lease to another node, whatever
// the two clocks read, as long as they run at about the same rate (the margin absorbs the
// drift over one TTL and the time one action takes). docs/analytics-cluster.md.
import { z } from 'zod';

export const leaseAnswerSchema = z.object({
  leader: z.boolean(),
  holder: z.string(),
  term: z.number().int().positive(),
  expires_at: z.number(),
  score_version: z.number().int().nonnegative(),
});

export type LeaseAnswer = z.infer<typeof leaseAnswerSchema>;

export interface LeadershipOptions {
  ttlMs: number;
  /** Stop acting this long before the lease could expire (default: a fifth of the TTL). */
  marginMs?: number;
}

export class Leadership {
  readonly ttlMs: number;
  readonly marginMs: number;
  #term: number | null = null;
  #validUntilMs = 0;
  #holder: string | null = null;
  #versionFloor = 0;

  constructor(options: LeadershipOptions) {
    this.ttlMs = options.ttlMs;
    this.marginMs = options.marginMs ?? Math.round(options.ttlMs / 5);
    if (!(this.ttlMs > 0) || !(this.marginMs >= 0) || this.marginMs >= this.ttlMs) {
      throw new Error('lease: the TTL must be positive and the margin shorter than it');
    }
  }

  /** The worker's answer to a request this node sent at `sentAtMs` (its clock). */
  onAnswer(answer: LeaseAnswer, sentAtMs: number): void {
    this.#holder = answer.holder;
    this.#versionFloor = Math.max(this.#versionFloor, answer.score_version);
    if (!answer.leader) {
      this.#term = null;
      this.#validUntilMs = 0;
      return;
    }
    // A renewal answered out of order (an older request's answer arriving late) never moves
    // the end of the lease earlier than a newer answer already put it.
    const validUntil = sentAtMs + this.ttlMs - this.marginMs;
    if (this.#term !== answer.term) this.#validUntilMs = validUntil;
    else this.#validUntilMs = Math.max(this.#validUntilMs, validUntil);
    this.#term = answer.term;
  }

  /** Whether this node may act as the leader now. */
  holds(nowMs: number): boolean {
    return this.#term !== null && nowMs < this.#validUntilMs;
  }

  /** The term to send with a push or a ledger batch, or null when not holding. */
  term(nowMs: number): number | null {
    return this.holds(nowMs) ? this.#term : null;
  }

  /** Who the worker last said holds the lease (this node or another). */
  get holder(): string | null {
    return this.#holder;
  }

  /** The newest score version the worker holds, as of the last answer. */
  get versionFloor(): number {
    return this.#versionFloor;
  }
}
