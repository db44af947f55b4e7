// API key lookup: plaintext → SHA-256 → D1, cached per isolate with positive and negative
// entries. Revocation reaches every isolate within the TTL (default 10 s); the admin API
// also drops the entry in its own isolate at once. A key in use is reloaded ahead of its
// expiry, in the background, so under steady traffic no request waits on D1 for it (that wait
// was a periodic stall in the latency tail) and the revocation bound stays the TTL.
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { apiKeys, users } from '../db/schema';
import { sha256Hex } from '../util/crypto';
import type { KeyContext } from './key-context';
import { parsePolicyLayer } from '../catalog/policy-layer';

interface Entry {
  value: KeyContext | null;
  expires: number;
  /** A background reload is under way. */
  refreshing?: boolean;
}

const MAX_ENTRIES = 50_000;
const NEGATIVE_TTL_MS = 5_000;
/** A valid entry used in the last fifth of its life is reloaded in the background. */
export const REFRESH_AHEAD_SHARE = 0.2;

export class KeyStore {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number) {}

  /**
   * `waitUntil` (the request's) keeps a background reload alive; without it an entry is only
   * ever reloaded once expired, by the request that finds it so.
   */
  async lookup(db: D1Database, plaintext: string, now: number, waitUntil?: (promise: Promise<unknown>) => void): Promise<KeyContext | null> {
    const hash = await sha256Hex(plaintext);
    const cached = this.#entries.get(hash);
    if (cached && cached.expires > now) {
      if (waitUntil && cached.value !== null && !cached.refreshing && cached.expires - now < this.ttlMs * REFRESH_AHEAD_SHARE) {
        cached.refreshing = true;
        waitUntil(this.#reload(db, hash, now, cached));
      }
      return cached.value;
    }
    // Each request loads for itself: awaiting a promise whose I/O belongs to another request
    // hangs this one if that request is cancelled (workerd then kills it as "hung").
    const value = await loadKey(db, hash, now);
    this.#store(hash, value, now);
    return value;
  }

  async #reload(db: D1Database, hash: string, now: number, entry: Entry): Promise<void> {
    try {
      const value = await loadKey(db, hash, now);
      // Dropped meanwhile by an admin change: the next lookup loads afresh.
      if (this.#entries.get(hash) === entry) this.#store(hash, value, now);
    } catch {
      // D1 unreachable: the entry expires as it would have; the next request loads itself.
      entry.refreshing = false;
    }
  }

  #store(hash: string, value: KeyContext | null, now: number): void {
    if (!this.#entries.has(hash) && this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(hash, { value, expires: now + (value ? this.ttlMs : NEGATIVE_TTL_MS) });
  }

  /** Forget a key (by hash) or everything, after an admin change. */
  invalidate(hash?: string): void {
    if (hash === undefined) this.#entries.clear();
    else this.#entries.delete(hash);
  }
}

async function loadKey(database: D1Database, hash: string, now: number): Promise<KeyContext | null> {
  const db = drizzle(database);
  const rows = await db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.user_id))
    .where(and(eq(apiKeys.hash, hash), eq(apiKeys.status, 'active'), eq(users.status, 'active')))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  if (row.key.expires_at !== null && row.key.expires_at <= now) return null;
  return {
    key_id: row.key.id,
    key_name: row.key.name,
    user_id: row.user.id,
    group_id: row.user.group_id,
    models: parseStringArray(row.key.models),
    rpm: row.key.rpm,
    tpm: row.key.tpm,
    budget_daily_usd: row.key.budget_daily_usd,
    budget_monthly_usd: row.key.budget_monthly_usd,
    user_budget_monthly_usd: row.user.budget_monthly_usd,
    routing: parsePolicyLayer(row.key.routing),
    balance_nanousd: row.user.balance_nanousd,
  };
}

function parseStringArray(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
