// The simulated upstream fleet: what one attempt on a channel does, given the channel's
// behaviour right now (the same fields as the upstream simulator of contract.md).
import type { RandomSource } from '../../worker/core/types';
import type { ErrorClass } from '../../worker/core/types';
import type { Behaviour, ChannelSpec } from './scenario';

export interface AttemptResult {
  error_class: ErrorClass;
  status: number;
  /** When the first content byte arrives (ms after the attempt starts); null if none did. */
  ttft_ms: number | null;
  /** When the attempt ends (ms after it starts). */
  duration_ms: number;
  output_tokens: number;
  /** Seconds a 429 asks the caller to wait. */
  retry_after_s?: number;
}

const CONNECTION_REFUSED_MS = 15;
const RATE_LIMITED_MS = 30;
const SERVER_ERROR_MS = 120;

export class SimulatedChannel {
  readonly id: string;
  behaviour: Behaviour;
  in_flight = 0;
  #tokens: number;
  #refilled_at = 0;

  constructor(spec: ChannelSpec) {
    this.id = spec.id;
    this.behaviour = { ...spec.behaviour };
    this.#tokens = spec.behaviour.rate_limit_rps ?? 0;
  }

  apply(set: { [K in keyof Behaviour]?: Behaviour[K] | undefined }): void {
    const next: Behaviour = { ...this.behaviour };
    for (const [key, value] of Object.entries(set)) {
      if (value !== undefined) (next as Record<string, unknown>)[key] = value;
    }
    this.behaviour = next;
    if (set.rate_limit_rps !== undefined) this.#tokens = set.rate_limit_rps ?? 0;
  }

  /** Decides the attempt's fate when it starts; the caller counts it in flight until the end. */
  attempt(
    outputTokens: number,
    stream: boolean,
    now: number,
    random: RandomSource,
    timeoutMs: number,
    /** < 1 when part of the input is read from the channel's prompt cache. */
    ttftFactor = 1,
  ): AttemptResult {
    const b = this.behaviour;
    if (b.down) return failure('connection', 0, CONNECTION_REFUSED_MS);
    if (b.hang) return failure('timeout', 0, timeoutMs);
    if (b.rate_limit_rps !== null && !this.#takeToken(b.rate_limit_rps, now)) {
      return { ...failure('rate_limit', 429, RATE_LIMITED_MS), retry_after_s: 1 };
    }
    if (b.max_concurrency !== null && this.in_flight >= b.max_concurrency) {
      return { ...failure('rate_limit', 429, RATE_LIMITED_MS), retry_after_s: 1 };
    }
    if (random() < b.error_rate) {
      const errorClass: ErrorClass = b.error_status === 429 ? 'rate_limit' : b.error_status >= 500 ? 'server' : 'client';
      return failure(errorClass, b.error_status, SERVER_ERROR_MS + random() * SERVER_ERROR_MS);
    }
    let ttft = Math.max(1, (b.ttft_ms + (random() * 2 - 1) * b.ttft_jitter_ms) * ttftFactor);
    // Heavy tail: a Pareto delay (shape 1.5, scale ttft_tail_ms) on a share of attempts. The
    // random stream is touched only when the scenario has a tail, so others replay unchanged.
    if (b.ttft_tail_rate > 0 && random() < b.ttft_tail_rate) {
      ttft += b.ttft_tail_ms * Math.pow(Math.max(random(), 1e-9), -1 / 1.5);
    }
    if (ttft >= timeoutMs) return failure('timeout', 0, timeoutMs);
    const generation = (outputTokens / b.tokens_per_s) * 1000 * (0.9 + 0.2 * random());
    if (stream && random() < b.fail_mid_stream_rate) {
      const share = random();
      return {
        error_class: 'mid_stream',
        status: 200,
        ttft_ms: ttft,
        duration_ms: ttft + generation * share,
        output_tokens: Math.floor(outputTokens * share),
      };
    }
    return { error_class: 'none', status: 200, ttft_ms: ttft, duration_ms: ttft + generation, output_tokens: outputTokens };
  }

  /** Whether the channel would answer a health check right now (used by New API's channel test). */
  healthy(random: RandomSource): boolean {
    const b = this.behaviour;
    return !b.down && !b.hang && random() >= b.error_rate;
  }

  #takeToken(rate: number, now: number): boolean {
    this.#tokens = Math.min(rate, this.#tokens + ((now - this.#refilled_at) / 1000) * rate);
    this.#refilled_at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

function failure(error_class: ErrorClass, status: number, duration_ms: number): AttemptResult {
  return { error_class, status, ttft_ms: null, duration_ms, output_tokens: 0 };
}
