// Browser sessions for the dashboard: a random id (256 bits) in an HttpOnly, SameSite=Strict
// cookie, mapped here, in memory, to the admin identity that signed in, until it expires.
// The key itself is never kept. Sessions end at expiry, at sign-out, or when the node restarts.
import { randomBytes } from 'node:crypto';
import type { AdminIdentity } from './admin-verifier';

export const SESSION_COOKIE = 'sb_session';
const MAX_SESSIONS = 10_000;

export interface Session {
  identity: AdminIdentity;
  expires: number;
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(identity: AdminIdentity): string {
    const id = randomBytes(32).toString('hex');
    this.#prune();
    if (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    this.#sessions.set(id, { identity, expires: this.now() + this.ttlMs });
    return id;
  }

  get(id: string): AdminIdentity | null {
    const session = this.#sessions.get(id);
    if (!session) return null;
    if (session.expires <= this.now()) {
      this.#sessions.delete(id);
      return null;
    }
    return session.identity;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  #prune(): void {
    const at = this.now();
    for (const [id, session] of this.#sessions) if (session.expires <= at) this.#sessions.delete(id);
  }
}
