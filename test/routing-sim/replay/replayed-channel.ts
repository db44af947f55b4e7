// One channel × model in a replay: an attempt at virtual time t draws its fate from what the
// pair did in the log around t (its bucket), instead of from a scenario's behaviour fields.
import type { RandomSource } from '../../../worker/core/types';
import type { AttemptResult } from '../upstream';
import { FAILURE_CLASSES, type BucketBehaviour, type ReplayChannel } from './replay-model';

/** When the log has no duration for a failure class (ms). */
const DEFAULT_FAILURE_MS = { connection: 15, timeout: 15_000, rate_limit: 30, server: 120, mid_stream: 500 };
const DEFAULT_TTFT_MS = 500;
const DEFAULT_TOKENS_PER_S = 50;
const STATUS = { connection: 0, timeout: 0, rate_limit: 429, server: 500 };

export class ReplayedChannel {
  readonly channel_id: string;
  readonly model: string;
  readonly #buckets: BucketBehaviour[];
  readonly #bucketMs: number;
  #tokens = 0;
  #refilledAt = 0;
  #rate: number | null = null;

  constructor(channel: ReplayChannel, bucketMs: number) {
    this.channel_id = channel.channel_id;
    this.model = channel.model;
    this.#buckets = channel.buckets;
    this.#bucketMs = bucketMs;
  }

  behaviourAt(now: number): BucketBehaviour {
    const index = Math.min(this.#buckets.length - 1, Math.max(0, Math.floor(now / this.#bucketMs)));
    return this.#buckets[index]!;
  }

  attempt(outputTokens: number, now: number, random: RandomSource): AttemptResult {
    const behaviour = this.behaviourAt(now);
    if (behaviour.rate_limit_rps !== null && !this.#takeToken(behaviour.rate_limit_rps, now)) {
      return { ...failure('rate_limit', behaviour), retry_after_s: 1 };
    }
    let draw = random();
    for (const kind of FAILURE_CLASSES) {
      if (kind === 'mid_stream') continue;
      draw -= behaviour.failure_share[kind];
      if (draw < 0) return { ...failure(kind, behaviour), ...(kind === 'rate_limit' ? { retry_after_s: 1 } : {}) };
    }
    const ttft = pick(behaviour.ttft_samples, random) ?? DEFAULT_TTFT_MS;
    const speed = pick(behaviour.tokens_per_s_samples, random) ?? DEFAULT_TOKENS_PER_S;
    const generation = (outputTokens / Math.max(speed, 0.1)) * 1000;
    if (random() < behaviour.failure_share.mid_stream) {
      const share = random();
      return { error_class: 'mid_stream', status: 200, ttft_ms: ttft, duration_ms: ttft + generation * share, output_tokens: Math.floor(outputTokens * share) };
    }
    return { error_class: 'none', status: 200, ttft_ms: ttft, duration_ms: ttft + generation, output_tokens: outputTokens };
  }

  /** A health check now (the New API baseline's channel test). */
  healthy(now: number, random: RandomSource): boolean {
    const behaviour = this.behaviourAt(now);
    const failing = behaviour.failure_share.connection + behaviour.failure_share.timeout + behaviour.failure_share.server;
    return random() >= failing;
  }

  #takeToken(rate: number, now: number): boolean {
    if (this.#rate !== rate) {
      // A new capacity (another bucket): start it full, as a channel's limiter would.
      this.#rate = rate;
      this.#tokens = rate;
    } else {
      this.#tokens = Math.min(rate, this.#tokens + ((now - this.#refilledAt) / 1000) * rate);
    }
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

function failure(kind: Exclude<keyof typeof DEFAULT_FAILURE_MS, 'mid_stream'>, behaviour: BucketBehaviour): AttemptResult {
  return {
    error_class: kind,
    status: STATUS[kind],
    ttft_ms: null,
    duration_ms: behaviour.failure_ms[kind] ?? DEFAULT_FAILURE_MS[kind],
    output_tokens: 0,
  };
}

function pick(samples: readonly number[], random: RandomSource): number | null {
  return samples.length === 0 ? null : samples[Math.floor(random() * samples.length)]!;
}
