// Named admin key lookup, cached per isolate with positive and negative entries like the
// client key store, so a revoked key stops working everywhere within the TTL
// (KEY_CACHE_TTL_MS, default 10 s) and at once in the isolate that revoked it. Two ways in:
// by the key's SHA-256 (a key presented as a bearer) and by its id (an admin acting through
// the console, whose identity the analytics node vouches for with INTERNAL_SECRET).
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { adminKeys } from '../db/schema';
import type { AdminIdentity } from './scopes';

interface Entry {
  value: AdminIdentity | null;
  expires: number;
}

const MAX_ENTRIES = 10_000;
const NEGATIVE_TTL_MS = 5_000;

export class AdminKeyStore {
  /** `hash:<sha-256>` and `id:<admin key id>` entries; the plaintext is never kept. */
  readonly #entries = new Map<string, Entry>();

  /** By the key's SHA-256 (hex). */
  lookup(database: D1Database, hash: string, now: number, ttlMs: number): Promise<AdminIdentity | null> {
    return this.#cached(`hash:${hash}`, now, ttlMs, () => this.#load(database, eq(adminKeys.hash, hash)));
  }

  /** By the admin key's id (`adk_…`): only an active key is an identity. */
  lookupById(database: D1Database, id: string, now: number, ttlMs: number): Promise<AdminIdentity | null> {
    return this.#cached(`id:${id}`, now, ttlMs, () => this.#load(database, eq(adminKeys.id, id)));
  }

  /** Forget one key (by its hash and id) or all of them, after a change in this isolate. */
  invalidate(key?: { hash: string; id: string }): void {
    if (key === undefined) {
      this.#entries.clear();
      return;
    }
    this.#entries.delete(`hash:${key.hash}`);
    this.#entries.delete(`id:${key.id}`);
  }

  async #cached(name: string, now: number, ttlMs: number, load: () => Promise<AdminIdentity | null>): Promise<AdminIdentity | null> {
    const cached = this.#entries.get(name);
    if (cached && cached.expires > now) return cached.value;
    const value = await load();
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(name, { value, expires: now + (value ? ttlMs : NEGATIVE_TTL_MS) });
    return value;
  }

  async #load(database: D1Database, match: ReturnType<typeof eq>): Promise<AdminIdentity | null> {
    const rows = await drizzle(database)
      .select({ id: adminKeys.id, name: adminKeys.name, scope: adminKeys.scope })
      .from(adminKeys)
      .where(and(match, eq(adminKeys.status, 'active')))
      .limit(1);
    return rows[0] ?? null;
  }
}

/** One per isolate (module scope is per isolate in workerd). */
export const adminKeyStore = new AdminKeyStore();
