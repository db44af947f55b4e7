// The isolate's own, immediate view of its channels: requests in flight, failures and
// successes of the last seconds (exponentially decayed counts) and a circuit breaker per
// channel. One instance per isolate; time is always passed in.
import {
  breakerAttemptEnded,
  breakerAttemptStarted,
  breakerStatus,
  closedBreaker,
  DEFAULT_BREAKER,
  type Breaker,
  type BreakerOptions,
} from '../core/routing/breaker';
import { LiveSignalMap } from '../core/routing/live-signal-map';
import type { LiveChannelSignals } from '../core/routing/types';
import type { ErrorClass } from '../core/types';

export interface LiveSignalsOptions {
  breaker: BreakerOptions;
  /** Time constant of the recent failure / success counts (ms). */
  recent_ms: number;
}

export const DEFAULT_LIVE_SIGNALS: LiveSignalsOptions = { breaker: DEFAULT_BREAKER, recent_ms: 10_000 };

export interface AttemptOutcome {
  ok: boolean;
  error_class?: ErrorClass;
  /**
   * Epoch ms of the first byte, for a success. A stream that began before an outage and ends
   * during it is old news; without this field the end time counts as the evidence time.
   */
  first_byte_at?: number;
  /** firstByte() was already called for this attempt: its success is counted; only release it. */
  after_first_byte?: boolean;
}

interface ChannelState {
  in_flight: number;
  failures: number;
  successes: number;
  updated_at: number;
  streak: number;
  failed_at: number;
  /** Attempts begun and not yet answered (first byte or end), and since when the oldest waits. */
  awaiting: number;
  waiting_since: number;
  /** firstByte() has been used for this channel, so `awaiting` is meaningful. */
  reports_first_byte: boolean;
  breaker: Breaker;
  /** The object handed out by snapshot(), refreshed in place. */
  view: LiveChannelSignals;
}

export class LiveSignals {
  readonly #options: LiveSignalsOptions;
  readonly #channels = new Map<string, ChannelState>();
  /** Never replaces or deletes an entry, so the router may remember them (core/routing/live-signal-map.ts). */
  readonly #snapshot = new LiveSignalMap();

  constructor(options: Partial<LiveSignalsOptions> = {}) {
    this.#options = { ...DEFAULT_LIVE_SIGNALS, ...options };
  }

  begin(channel_id: string, now: number): void {
    const state = this.#state(channel_id);
    state.in_flight++;
    if (state.awaiting++ === 0) state.waiting_since = now;
    state.breaker = breakerAttemptStarted(state.breaker, now, this.#options.breaker);
  }

  /**
   * The upstream's first content byte arrived: the channel answers, now. Optional; when the
   * worker calls it, it passes `after_first_byte: true` to end() for the same attempt.
   */
  firstByte(channel_id: string, now: number): void {
    const state = this.#state(channel_id);
    state.reports_first_byte = true;
    this.#answered(state, now);
    this.#settle(state, 'none', now, now);
  }

  end(channel_id: string, outcome: AttemptOutcome, now: number): void {
    const state = this.#state(channel_id);
    state.in_flight = Math.max(0, state.in_flight - 1);
    if (outcome.after_first_byte !== true) this.#answered(state, now);
    if (outcome.after_first_byte === true && outcome.ok) return;
    const errorClass: ErrorClass = outcome.ok ? 'none' : (outcome.error_class ?? 'server');
    const evidenceAt = Math.min(now, outcome.ok ? (outcome.first_byte_at ?? now) : now);
    this.#settle(state, errorClass, evidenceAt, now);
  }

  #settle(state: ChannelState, errorClass: ErrorClass, evidenceAt: number, now: number): void {
    state.breaker = breakerAttemptEnded(state.breaker, errorClass, now, this.#options.breaker, evidenceAt);
    if (errorClass === 'client' || errorClass === 'cancelled') return;
    this.#decay(state, now);
    if (errorClass !== 'none') {
      state.failures++;
      state.streak = 0;
      state.failed_at = now;
    } else {
      // A success counts as of its first byte, faded by its age; only one that answered
      // after the newest failure extends the streak.
      state.successes += Math.exp(-(now - evidenceAt) / this.#options.recent_ms);
      if (evidenceAt >= state.failed_at) state.streak++;
    }
  }

  /**
   * Signals per channel as of `now`. The map and its objects are reused: they are valid
   * until the next call (the router reads them synchronously), copy them to keep them.
   */
  snapshot(now: number): ReadonlyMap<string, LiveChannelSignals> {
    for (const [channel_id, state] of this.#channels) {
      this.#decay(state, now);
      const view = state.view;
      view.in_flight = state.in_flight;
      view.breaker = breakerStatus(state.breaker, now, this.#options.breaker);
      view.recent_failures = state.failures;
      view.recent_successes = state.successes;
      view.success_streak = state.streak;
      view.stalled_ms = state.reports_first_byte && state.awaiting > 0 ? now - state.waiting_since : 0;
      if (!this.#snapshot.has(channel_id)) this.#snapshot.set(channel_id, view);
    }
    return this.#snapshot;
  }

  #state(channel_id: string): ChannelState {
    let state = this.#channels.get(channel_id);
    if (state === undefined) {
      state = {
        in_flight: 0,
        failures: 0,
        successes: 0,
        updated_at: 0,
        streak: 0,
        failed_at: 0,
        awaiting: 0,
        waiting_since: 0,
        reports_first_byte: false,
        breaker: closedBreaker(this.#options.breaker),
        view: {
          in_flight: 0,
          breaker: 'closed',
          recent_failures: 0,
          recent_successes: 0,
          success_streak: 0,
          stalled_ms: 0,
        },
      };
      this.#channels.set(channel_id, state);
    }
    return state;
  }

  /** Some attempt got an answer: whatever still waits, waits from now on. */
  #answered(state: ChannelState, now: number): void {
    state.awaiting = Math.max(0, state.awaiting - 1);
    state.waiting_since = now;
  }

  #decay(state: ChannelState, now: number): void {
    if (now > state.updated_at) {
      const factor = Math.exp(-(now - state.updated_at) / this.#options.recent_ms);
      state.failures *= factor;
      state.successes *= factor;
      state.updated_at = now;
    }
  }
}
