// Sliding one-minute windows for RPM and TPM. Pure: the admitted requests of the last minute
// in, a verdict out. A request is admitted when, counting it, the window holds at most `rpm`
// requests and `tpm` tokens; otherwise the answer says when enough of the window will have
// slid past for it to fit.

export const RATE_WINDOW_MS = 60_000;

export interface Hit {
  at: number;
  tokens: number;
}

export type RateVerdict = { ok: true } | { ok: false; limit: 'rpm' | 'tpm'; retry_after_ms: number; never?: boolean };

/** `hits` are the key's admitted requests with `at` in (now − 60 s, now], oldest first. */
export function checkRate(hits: readonly Hit[], now: number, rpm: number | null, tpm: number | null, tokens: number): RateVerdict {
  if (rpm !== null && hits.length + 1 > rpm) {
    // The window must lose (count + 1 − rpm) requests: wait for the one that many in to expire.
    const index = hits.length - rpm;
    return { ok: false, limit: 'rpm', retry_after_ms: Math.max(1, hits[index]!.at + RATE_WINDOW_MS - now) };
  }
  if (tpm !== null) {
    if (tokens > tpm) return { ok: false, limit: 'tpm', retry_after_ms: RATE_WINDOW_MS, never: true };
    let total = tokens;
    for (const hit of hits) total += hit.tokens;
    if (total > tpm) {
      for (const hit of hits) {
        total -= hit.tokens;
        if (total <= tpm) return { ok: false, limit: 'tpm', retry_after_ms: Math.max(1, hit.at + RATE_WINDOW_MS - now) };
      }
      return { ok: false, limit: 'tpm', retry_after_ms: RATE_WINDOW_MS };
    }
  }
  return { ok: true };
}
