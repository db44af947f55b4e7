// The account object's RPM / TPM windows on SQLite, so that a restart (a deploy, an eviction,
// a failed storage write) does not hand a key a fresh minute: without them a key could get
// twice its limit in the minute after one.
//
// One row per key per second holds how many requests were admitted in it and their tokens.
// Cost: admission adds one single-row upsert by primary key to the transaction it already
// runs (no extra commit), a settle whose actual tokens differ from the estimate one update,
// and the once-a-minute sweep one range delete. The table holds at most keys × ~120 rows.
// Restoring reads the last minute's rows once, when the object starts.
import { RATE_WINDOW_MS, RateWindow } from './rate-window';

export const RATE_BUCKETS_SCHEMA = `CREATE TABLE IF NOT EXISTS rate_buckets (key_id TEXT NOT NULL, second INTEGER NOT NULL,
  requests INTEGER NOT NULL, tokens INTEGER NOT NULL, PRIMARY KEY (key_id, second)) WITHOUT ROWID`;

function secondOf(at: number): number {
  return Math.floor(at / 1_000);
}

/** `requests` admissions (or slots granted to a lease) at `at` carrying `tokens` in all. */
export function persistAdmission(sql: SqlStorage, keyId: string, at: number, tokens: number, requests = 1): void {
  sql.exec(
    `INSERT INTO rate_buckets (key_id, second, requests, tokens) VALUES (?, ?, ?, ?)
     ON CONFLICT (key_id, second) DO UPDATE SET requests = requests + excluded.requests, tokens = tokens + excluded.tokens`,
    keyId, secondOf(at), requests, tokens,
  );
}

/** A settle replaced the tokens of a request admitted at `at` by `delta`. */
export function persistCorrection(sql: SqlStorage, keyId: string, at: number, delta: number): void {
  if (delta === 0) return;
  sql.exec('UPDATE rate_buckets SET tokens = max(0, tokens + ?) WHERE key_id = ? AND second = ?', delta, keyId, secondOf(at));
}

/** A slot granted at `at` came back unused, with the tokens it carried. */
export function persistRelease(sql: SqlStorage, keyId: string, at: number, tokens: number): void {
  sql.exec('UPDATE rate_buckets SET requests = max(0, requests - 1), tokens = max(0, tokens - ?) WHERE key_id = ? AND second = ?', tokens, keyId, secondOf(at));
}

/** Seconds wholly out of the window at `now` go (bounded by keys × the seconds of a minute). */
export function pruneBuckets(sql: SqlStorage, now: number): void {
  sql.exec('DELETE FROM rate_buckets WHERE second <= ?', lastExpiredSecond(now));
}

/**
 * The windows as of `now`. A bucket's admissions are placed at the end of their second: after
 * a restart a request leaves the window up to a second later than it would have, never earlier.
 */
export function restoreWindows(sql: SqlStorage, now: number): Map<string, RateWindow> {
  const windows = new Map<string, RateWindow>();
  const rows = sql.exec<{ key_id: string; second: number; requests: number; tokens: number }>(
    'SELECT key_id, second, requests, tokens FROM rate_buckets WHERE second > ? ORDER BY key_id, second',
    lastExpiredSecond(now),
  );
  for (const row of rows) {
    let window = windows.get(row.key_id);
    if (window === undefined) {
      window = new RateWindow();
      windows.set(row.key_id, window);
    }
    window.restore(Number(row.second) * 1_000 + 999, Number(row.requests), Number(row.tokens));
  }
  return windows;
}

/** The last second whose every moment is at or before now − 60 s (evicted by RateWindow). */
function lastExpiredSecond(now: number): number {
  return secondOf(now - RATE_WINDOW_MS - 999);
}
