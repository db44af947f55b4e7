// What a routing strategy is to the simulator: per isolate, a router that orders the
// candidates of one request and hears about every attempt it started.
import type { HedgeBudget } from '../../../worker/core/routing/hedge';
import type { ConversationContext, RequestProfile } from '../../../worker/core/routing/types';
import type { Candidate, ChannelScore, ErrorClass, RandomSource } from '../../../worker/core/types';

export interface RouteRequest {
  candidates: Candidate[];
  /** The pushed scoring table (what the worker's isolates hold). */
  scores: ReadonlyMap<string, ChannelScore>;
  profile: RequestProfile;
  max_attempts: number;
  now: number;
  random: RandomSource;
  /** The conversation the request continues, as the worker's memory knows it (absent: none). */
  conversation?: ConversationContext;
}

/** A router that hedges: when to start the next attempt, and the isolate's budget for it. */
export interface HedgePolicy {
  /** ms to wait for the first attempt's first token; null: do not hedge this request. */
  delayMs(first: Candidate, scores: ReadonlyMap<string, ChannelScore>): number | null;
  budget: HedgeBudget;
}

export interface AttemptReport {
  ok: boolean;
  error_class: ErrorClass;
  /** Time to first byte (ms) when one arrived. */
  ttft_ms: number | null;
  duration_ms: number;
  output_tokens: number;
  retry_after_s?: number;
}

export interface IsolateRouter {
  /** The attempt order; the simulator tries at most max_attempts of it. */
  route(request: RouteRequest): Candidate[];
  started(channel_id: string, now: number): void;
  /** The attempt's first byte arrived (successes and streams cut mid-way). */
  firstByte?(channel_id: string, now: number): void;
  ended(channel_id: string, report: AttemptReport, now: number): void;
  /** Present when the router hedges (switchboard in performance mode). */
  hedge?: HedgePolicy;
}

export interface StrategyContext {
  isolates: number;
  random: RandomSource;
  /** A health check against the channel's current behaviour (New API's channel test). */
  probe(channel_id: string): boolean;
  /** Schedules a callback on the virtual clock. */
  every(interval_ms: number, run: (now: number) => void): void;
  /** The virtual clock (ms); absent: routers that need one track the `now` of their calls. */
  clock?(): number;
}

export interface Strategy {
  readonly name: string;
  /** Called once per run; the returned factory builds one router per isolate. */
  start(context: StrategyContext): (isolate: number) => IsolateRouter;
}

/** Weighted sampling without replacement over `items`; weights must be positive. */
export function weightedOrder<T>(items: readonly T[], weight: (item: T) => number, random: RandomSource): T[] {
  const pool = items.slice();
  const weights = pool.map(weight);
  const result: T[] = [];
  while (pool.length > 0) {
    let sum = 0;
    for (const value of weights) sum += value;
    let draw = random() * sum;
    let index = 0;
    for (; index < pool.length - 1; index++) {
      draw -= weights[index]!;
      if (draw < 0) break;
    }
    result.push(pool[index]!);
    pool.splice(index, 1);
    weights.splice(index, 1);
  }
  return result;
}

export function requestCost(candidate: Candidate, profile: RequestProfile): number {
  return (
    (profile.input_tokens * candidate.cost.input_per_mtok + profile.output_tokens * candidate.cost.output_per_mtok) *
    1e-6
  );
}

/** Per-isolate bookkeeping most baselines need: in flight and recent failures per channel. */
export class IsolateBook {
  readonly in_flight = new Map<string, number>();
  readonly failures = new Map<string, number[]>();

  started(channel_id: string): void {
    this.in_flight.set(channel_id, (this.in_flight.get(channel_id) ?? 0) + 1);
  }

  ended(channel_id: string, report: AttemptReport, now: number): void {
    this.in_flight.set(channel_id, Math.max(0, (this.in_flight.get(channel_id) ?? 0) - 1));
    if (!report.ok && report.error_class !== 'client') {
      let list = this.failures.get(channel_id);
      if (list === undefined) this.failures.set(channel_id, (list = []));
      list.push(now);
      if (list.length > 64) list.splice(0, list.length - 64);
    }
  }

  failuresSince(channel_id: string, since: number): number {
    const list = this.failures.get(channel_id);
    if (list === undefined) return 0;
    let count = 0;
    for (let index = list.length - 1; index >= 0 && list[index]! >= since; index--) count++;
    return count;
  }
}
