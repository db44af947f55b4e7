// One simulated provider at run time: its behaviour, counters, recent requests, rate-limit
// bucket and prompt-cache memory. Replacing the behaviour keeps the counters and in-flight
// requests, so PUT and PATCH take effect for the next request without losing track.
import type { RandomSource } from '../../worker/core/types';
import type { ProviderBehaviour } from './behaviour';
import { createRandom, hashString } from './random';
import { TimedPromptCache } from './timed-prompt-cache';

export interface ProviderCounters {
  requests: number;
  errors: number;
  in_flight: number;
}

/** A request exactly as received, for tests that prove what a gateway sent upstream. */
export interface RecordedRequest {
  received_at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export const RECORDED_REQUESTS_KEPT = 200;
const REMEMBERED_PROMPTS = 10_000;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class ProviderState {
  readonly counters: ProviderCounters = { requests: 0, errors: 0, in_flight: 0 };
  behaviour!: ProviderBehaviour;
  /** Seed for reply content. */
  seed = 0;
  /** Sequence randomness: errors, jitter, ids, where a stream is cut. */
  random!: RandomSource;
  private recorded: RecordedRequest[] = [];
  private bucket = { tokens: 0, updatedAt: 0 };
  private prompts = new Set<number>();
  /** The cache of behaviour `prompt_cache` (unused without it). */
  readonly timedCache = new TimedPromptCache();

  constructor(
    readonly name: string,
    behaviour: ProviderBehaviour,
    private readonly simulatorSeed: number,
  ) {
    this.setBehaviour(behaviour);
  }

  setBehaviour(behaviour: ProviderBehaviour): void {
    const seed = behaviour.seed ?? this.simulatorSeed;
    if (!this.behaviour || seed !== this.seed) this.random = createRandom(hashString(this.name, seed));
    if (!this.behaviour || behaviour.rate_limit_rps !== this.behaviour.rate_limit_rps) this.bucket = { tokens: bucketSize(behaviour), updatedAt: Date.now() };
    this.seed = seed;
    this.behaviour = behaviour;
  }

  /** Token bucket refilled at rate_limit_rps per second, holding at most max(1, rps). */
  takeRateToken(now: number): RateDecision {
    const rate = this.behaviour.rate_limit_rps;
    if (rate === undefined) return { allowed: true };
    const size = bucketSize(this.behaviour);
    this.bucket.tokens = Math.min(size, this.bucket.tokens + ((now - this.bucket.updatedAt) / 1000) * rate);
    this.bucket.updatedAt = now;
    if (this.bucket.tokens >= 1) {
      this.bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.bucket.tokens) / rate)) };
  }

  record(request: RecordedRequest): void {
    this.recorded.push(request);
    if (this.recorded.length > RECORDED_REQUESTS_KEPT) this.recorded.shift();
  }

  /** The last `limit` requests, oldest first. */
  recentRequests(limit = RECORDED_REQUESTS_KEPT): RecordedRequest[] {
    return limit <= 0 ? [] : this.recorded.slice(-limit);
  }

  /** True when this prompt text was seen before; remembers it either way. */
  seenPrompt(text: string): boolean {
    const key = hashString(text, 0x5eed);
    if (this.prompts.has(key)) return true;
    if (this.prompts.size >= REMEMBERED_PROMPTS) this.prompts.clear();
    this.prompts.add(key);
    return false;
  }

  /** Zero the counters (in_flight stays: those requests are still open) and forget history. */
  reset(): void {
    this.counters.requests = 0;
    this.counters.errors = 0;
    this.recorded = [];
    this.prompts.clear();
    this.timedCache.clear();
    this.bucket = { tokens: bucketSize(this.behaviour), updatedAt: Date.now() };
    this.random = createRandom(hashString(this.name, this.seed));
  }

  describe(): Record<string, unknown> {
    return { name: this.name, ...this.behaviour, counters: { ...this.counters } };
  }
}

function bucketSize(behaviour: ProviderBehaviour): number {
  return Math.max(1, behaviour.rate_limit_rps ?? 1);
}
