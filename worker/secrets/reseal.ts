// Bring every channel credential in D1 under the current key: plaintext rows (written before
// encryption existed) are sealed, and — on a rotation — rows sealed under an older key are
// opened and sealed again. Idempotent: a row already under the current key is not written.
// Each write is a compare-and-set on the old value, so an admin change made meanwhile wins.
import { and, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { BatchItem } from 'drizzle-orm/batch';
import { channels } from '../db/schema';
import type { Keyring } from './keyring';
import { describeStored, openCredential, sealCredential, type OpenProblem } from './sealed-credential';

export interface ResealSummary {
  /** The key every credential is now sealed under. */
  key_id: string;
  /** Plaintext rows sealed now. */
  sealed_plaintext: number;
  /** Rows moved from an older key to the current one. */
  rekeyed: number;
  /** Rows already sealed under the current key (left as they are). */
  unchanged: number;
  /** `env:NAME` references and empty credentials: nothing stored to seal. */
  not_stored: number;
  /** Rows that could not be opened (unknown key id, tampered): left as they are. */
  failed: Array<{ channel: string; reason: OpenProblem }>;
}

/**
 * `plaintext` seals only plaintext rows (what every config apply does); `rotate` also
 * re-keys rows sealed under an older key and checks that every sealed row still opens.
 */
export async function resealCredentials(database: D1Database, keyring: Keyring, mode: 'plaintext' | 'rotate', now: number): Promise<ResealSummary> {
  const db = drizzle(database);
  const rows = await db.select({ id: channels.id, api_key: channels.api_key }).from(channels).orderBy(channels.id);
  const summary: ResealSummary = { key_id: keyring.current, sealed_plaintext: 0, rekeyed: 0, unchanged: 0, not_stored: 0, failed: [] };
  const writes: BatchItem<'sqlite'>[] = [];
  const write = (id: string, old: string, sealed: string) =>
    writes.push(db.update(channels).set({ api_key: sealed, updated_at: now }).where(and(eq(channels.id, id), eq(channels.api_key, old))));

  for (const row of rows) {
    const stored = describeStored(row.api_key);
    switch (stored.kind) {
      case 'none':
      case 'env':
        summary.not_stored++;
        break;
      case 'plaintext':
        write(row.id, row.api_key, await sealCredential(keyring, row.id, row.api_key));
        summary.sealed_plaintext++;
        break;
      case 'sealed': {
        if (mode === 'plaintext') {
          summary.unchanged++;
          break;
        }
        const opened = await openCredential(keyring, row.id, row.api_key);
        if (!opened.ok) summary.failed.push({ channel: row.id, reason: opened.error });
        else if (stored.key_id === keyring.current) summary.unchanged++;
        else {
          write(row.id, row.api_key, await sealCredential(keyring, row.id, opened.value));
          summary.rekeyed++;
        }
        break;
      }
    }
  }
  if (writes.length > 0) await db.batch(writes as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  return summary;
}
