// Sliding one-minute windows for RPM and TPM, one per key, in memory (persisted as per-second
// buckets by rate-buckets.ts, so a restarted account object restores them). A request is admitted
// when, counting it, the window holds at most `rpm` requests and `tpm` tokens; otherwise the
// answer says when enough of the window will have slid past for it to fit.
//
// The window is a queue in admission order (evicted from the front) with a running token
// total, so counting is O(1); its tokens also sit in a Fenwick tree, so the TPM retry time
// (the first admission after which enough tokens have left) and a settle's correction of one
// request's tokens are O(log n). Storage is compacted when it fills: amortised O(1) a request.
import { FenwickTree } from './fenwick-tree';

export const RATE_WINDOW_MS = 60_000;

export type RateVerdict = { ok: true } | { ok: false; limit: 'rpm' | 'tpm'; retry_after_ms: number; never?: boolean };

const INITIAL_CAPACITY = 16;

export class RateWindow {
  // Live entries are positions [#head, #at.length) of these parallel arrays.
  #at: number[] = [];
  #tokens: number[] = [];
  #requestIds: string[] = [];
  #head = 0;
  #tree = new FenwickTree(INITIAL_CAPACITY);
  #positions = new Map<string, number>();
  #total = 0;

  get count(): number {
    return this.#at.length - this.#head;
  }

  get tokens(): number {
    return this.#total;
  }

  /** Drop the admissions at or before now − 60 s (those admitted earliest leave first). */
  evict(now: number): void {
    const horizon = now - RATE_WINDOW_MS;
    while (this.#head < this.#at.length && this.#at[this.#head]! <= horizon) {
      const requestId = this.#requestIds[this.#head]!;
      if (this.#positions.get(requestId) === this.#head) this.#positions.delete(requestId);
      this.#total -= this.#tokens[this.#head]!;
      this.#requestIds[this.#head] = '';
      this.#head += 1;
    }
  }

  /** Would one more request of `tokens` fit? Call `evict(now)` first. */
  check(now: number, rpm: number | null, tpm: number | null, tokens: number): RateVerdict {
    const count = this.count;
    if (rpm !== null && count + 1 > rpm) {
      if (rpm <= 0) return { ok: false, limit: 'rpm', retry_after_ms: RATE_WINDOW_MS, never: true };
      // The window must lose (count + 1 − rpm) requests: wait for the one that many in to expire.
      return { ok: false, limit: 'rpm', retry_after_ms: Math.max(1, this.#at[this.#head + count - rpm]! + RATE_WINDOW_MS - now) };
    }
    if (tpm !== null) {
      if (tokens > tpm) return { ok: false, limit: 'tpm', retry_after_ms: RATE_WINDOW_MS, never: true };
      const excess = this.#total + tokens - tpm;
      if (excess > 0) {
        // The first admission by which at least `excess` tokens will have left the window.
        const position = this.#tree.lowerBound(this.#tree.prefix(this.#head - 1) + excess);
        if (position >= this.#at.length) return { ok: false, limit: 'tpm', retry_after_ms: RATE_WINDOW_MS };
        return { ok: false, limit: 'tpm', retry_after_ms: Math.max(1, this.#at[position]! + RATE_WINDOW_MS - now) };
      }
    }
    return { ok: true };
  }

  /** Count an admitted request. Admitting the same request id again replaces its tokens. */
  add(requestId: string, at: number, tokens: number): void {
    if (this.#positions.has(requestId)) {
      this.correct(requestId, tokens);
      return;
    }
    if (this.#at.length === this.#tree.size) this.#compact();
    const position = this.#at.length;
    this.#at.push(at);
    this.#tokens.push(tokens);
    this.#requestIds.push(requestId);
    this.#tree.add(position, tokens);
    this.#positions.set(requestId, position);
    this.#total += tokens;
  }

  /**
   * Replace a request's tokens (the input estimate by what it used); unknown ids are ignored.
   * Returns when the request was admitted and by how much its tokens changed, so the caller
   * can correct the persisted bucket it was counted in.
   */
  correct(requestId: string, tokens: number): { at: number; delta: number } | undefined {
    const position = this.#positions.get(requestId);
    if (position === undefined) return undefined;
    const delta = tokens - this.#tokens[position]!;
    this.#tokens[position] = tokens;
    this.#tree.add(position, delta);
    this.#total += delta;
    return { at: this.#at[position]!, delta };
  }

  /**
   * Count `requests` admissions made at `at` carrying `tokens` in all, restored from storage
   * after a restart. They have no request id (a later settle cannot correct them): the tokens
   * sit on the first of them, which is the one that leaves the window first anyway.
   */
  restore(at: number, requests: number, tokens: number): void {
    for (let index = 0; index < requests; index++) {
      if (this.#at.length === this.#tree.size) this.#compact();
      const position = this.#at.length;
      const share = index === 0 ? tokens : 0;
      this.#at.push(at);
      this.#tokens.push(share);
      this.#requestIds.push('');
      this.#tree.add(position, share);
      this.#total += share;
    }
  }

  /** Move the live entries to the front, into room for twice as many: O(live), amortised O(1). */
  #compact(): void {
    this.#at = this.#at.slice(this.#head);
    this.#tokens = this.#tokens.slice(this.#head);
    this.#requestIds = this.#requestIds.slice(this.#head);
    this.#head = 0;
    this.#tree = new FenwickTree(Math.max(INITIAL_CAPACITY, 2 * this.#at.length), this.#tokens);
    this.#positions.clear();
    this.#requestIds.forEach((requestId, position) => {
      if (requestId !== '') this.#positions.set(requestId, position);
    });
  }
}
