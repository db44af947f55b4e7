// Named admin key lookup: plaintext → SHA-256 → D1, cached per isolate with positive and
// negative entries like the client key store, so a revoked key stops working everywhere
// within the TTL (KEY_CACHE_TTL_MS, default 10 s) and at once in the isolate that revoked it.
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
  readonly #entries = new Map<string, Entry>();

  /** By the key's SHA-256 (hex); the plaintext is never kept. */
  async lookup(database: D1Database, hash: string, now: number, ttlMs: number): Promise<AdminIdentity | null> {
    const cached = this.#entries.get(hash);
    if (cached && cached.expires > now) return cached.value;
    const rows = await drizzle(database)
      .select({ id: adminKeys.id, name: adminKeys.name, scope: adminKeys.scope })
      .from(adminKeys)
      .where(and(eq(adminKeys.hash, hash), eq(adminKeys.status, 'active')))
      .limit(1);
    const value = rows[0] ?? null;
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(hash, { value, expires: now + (value ? ttlMs : NEGATIVE_TTL_MS) });
    return value;
  }

  /** Forget one key (by hash) or all of them, after a change in this isolate. */
  invalidate(hash?: string): void {
    if (hash === undefined) this.#entries.clear();
    else this.#entries.delete(hash);
  }
}

/** One per isolate (module scope is per isolate in workerd). */
export const adminKeyStore = new AdminKeyStore();
