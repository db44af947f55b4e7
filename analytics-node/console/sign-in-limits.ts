// Failed sign-ins, rate limited per client address and per account (user id, or "admin"
// for admin keys). In memory: one analytics node serves the console, so one process sees
// every attempt; a restart forgets the counts (a few more guesses, never a lock-out that
// outlives its window). A success clears the account's count, not the address's.
export interface SignInLimitOptions {
  windowMs?: number;
  perAddress?: number;
  perAccount?: number;
  now?: () => number;
}

const MAX_TRACKED = 50_000;

export class SignInLimits {
  readonly windowMs: number;
  readonly perAddress: number;
  readonly perAccount: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();

  constructor(options: SignInLimitOptions = {}) {
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.perAddress = options.perAddress ?? 30;
    this.perAccount = options.perAccount ?? 10;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds to wait before trying again, or 0 when a sign-in may be attempted now. */
  retryAfterS(address: string, account: string): number {
    const waits = [this.#wait(`address:${address}`, this.perAddress), this.#wait(`account:${account}`, this.perAccount)];
    return Math.max(...waits);
  }

  recordFailure(address: string, account: string): void {
    for (const key of [`address:${address}`, `account:${account}`]) {
      const list = this.#recent(key);
      list.push(this.#now());
      if (!this.#failures.has(key) && this.#failures.size >= MAX_TRACKED) {
        this.#failures.delete(this.#failures.keys().next().value!);
      }
      this.#failures.set(key, list);
    }
  }

  recordSuccess(account: string): void {
    this.#failures.delete(`account:${account}`);
  }

  #recent(key: string): number[] {
    const cutoff = this.#now() - this.windowMs;
    return (this.#failures.get(key) ?? []).filter((at) => at > cutoff);
  }

  #wait(key: string, limit: number): number {
    const recent = this.#recent(key);
    if (recent.length < limit) return 0;
    const oldestCounted = recent[recent.length - limit]!;
    return Math.max(1, Math.ceil((oldestCounted + this.windowMs - this.#now()) / 1000));
  }
}
