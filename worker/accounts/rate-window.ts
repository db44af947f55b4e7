// Sliding one-minute windows for RPM and TPM, one per key, in memory (persisted as per-second
// buckets by rate-buckets.ts, so a restarted account object restores them). A request is admitted
// when, counting it, the window holds at most `rpm` requests and `tpm` tokens; otherwise the
// answer says when enough of the window will have slid past for it to fit.
//
// The window is a queue in admission order (evicted from the front) with a running token
// total, so counting is O(1); its tokens also sit in a Fenwick tree, so the TPM retry time
// (the first admission after which enough tokens have left) and a settle's correction of one
// request's tokens are O(log n). Storage is compacted when it fills: amortised O(1) a request.
//
// With leases (lease.ts) an entry is a request slot granted to an isolate ahead of use; a
// slot the isolate hands back unused is released (it stops counting but keeps its place), and
// an entry may carry only tokens (a lease's token allowance), counting as no request. A second
// Fenwick tree over "counts as a request" keeps the RPM retry time exact with such entries.
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
  #counted: number[] = [];
  #tree = new FenwickTree(INITIAL_CAPACITY);
  #countTree = new FenwickTree(INITIAL_CAPACITY);
  #positions = new Map<string, number>();
  #total = 0;
  #count = 0;

  /** Requests in the window (released slots and token-only entries do not count). */
  get count(): number {
    return this.#count;
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
      this.#count -= this.#counted[this.#head]!;
      this.#requestIds[this.#head] = '';
      this.#head += 1;
    }
  }

  /** Would `requests` more requests (default one) of `tokens` in all fit? Call `evict(now)` first. */
  check(now: number, rpm: number | null, tpm: number | null, tokens: number, requests = 1): RateVerdict {
    const count = this.#count;
    if (rpm !== null && count + requests > rpm) {
      if (rpm < requests) return { ok: false, limit: 'rpm', retry_after_ms: RATE_WINDOW_MS, never: true };
      // The window must lose (count + requests − rpm) requests: wait for the one that many in to expire.
      const position = this.#countTree.lowerBound(this.#countTree.prefix(this.#head - 1) + count + requests - rpm);
      if (position >= this.#at.length) return { ok: false, limit: 'rpm', retry_after_ms: RATE_WINDOW_MS };
      return { ok: false, limit: 'rpm', retry_after_ms: Math.max(1, this.#at[position]! + RATE_WINDOW_MS - now) };
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

  /**
   * Count an admitted request (or, with `counts` false, tokens alone). Adding the same id again
   * replaces its tokens.
   */
  add(requestId: string, at: number, tokens: number, counts = true): void {
    if (this.#positions.has(requestId)) {
      this.correct(requestId, tokens);
      return;
    }
    this.#push(at, tokens, requestId, counts ? 1 : 0);
    this.#positions.set(requestId, this.#at.length - 1);
  }

  /** A slot handed back unused: it no longer counts as a request and carries no tokens. */
  release(requestId: string): { at: number; tokens: number } | undefined {
    const position = this.#positions.get(requestId);
    if (position === undefined || this.#counted[position] === 0) return undefined;
    const tokens = this.#tokens[position]!;
    this.correct(requestId, 0);
    this.#counted[position] = 0;
    this.#countTree.add(position, -1);
    this.#count -= 1;
    return { at: this.#at[position]!, tokens };
  }

  /** Add `delta` to an entry's tokens (never below 0); unknown ids are ignored. */
  adjust(requestId: string, delta: number): { at: number; delta: number } | undefined {
    const position = this.#positions.get(requestId);
    if (position === undefined) return undefined;
    return this.correct(requestId, Math.max(0, this.#tokens[position]! + delta));
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
    if (requests === 0 && tokens > 0) this.#push(at, tokens, '', 0);
    for (let index = 0; index < requests; index++) this.#push(at, index === 0 ? tokens : 0, '', 1);
  }

  #push(at: number, tokens: number, requestId: string, counted: 0 | 1): void {
    if (this.#at.length === this.#tree.size) this.#compact();
    const position = this.#at.length;
    this.#at.push(at);
    this.#tokens.push(tokens);
    this.#requestIds.push(requestId);
    this.#counted.push(counted);
    this.#tree.add(position, tokens);
    this.#countTree.add(position, counted);
    this.#total += tokens;
    this.#count += counted;
  }

  /** Move the live entries to the front, into room for twice as many: O(live), amortised O(1). */
  #compact(): void {
    this.#at = this.#at.slice(this.#head);
    this.#tokens = this.#tokens.slice(this.#head);
    this.#requestIds = this.#requestIds.slice(this.#head);
    this.#counted = this.#counted.slice(this.#head);
    this.#head = 0;
    this.#tree = new FenwickTree(Math.max(INITIAL_CAPACITY, 2 * this.#at.length), this.#tokens);
    this.#countTree = new FenwickTree(this.#tree.size, this.#counted);
    this.#positions.clear();
    this.#requestIds.forEach((requestId, position) => {
      if (requestId !== '') this.#positions.set(requestId, position);
    });
  }
}
