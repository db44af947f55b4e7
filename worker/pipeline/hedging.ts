// Hedged requests (issue 14): when the first attempt has produced no first token by its
// channel's p90 TTFT (hedgeDelayMs), start the next attempt of the plan beside it. The first
// to produce a token (a streamed first token, or a whole non-streamed answer) wins and is
// what the caller gets; the other is cancelled at once. Both are logged (`hedge: 'primary'`
// and `'hedge'`); the loser as 'cancelled', its tokens so far estimated and costed to us,
// never charged (hedge_lost). The caller pays for the winner alone: exactly one result leaves
// this function. The extra spend is capped by the isolate's HedgeBudget (core/routing/hedge.ts).
import type { Candidate } from '../core/types';
import type { UpstreamRequest } from '../protocols/types';
import { HedgeBudget } from '../core/routing/hedge';
import { usageCost } from '../core/metering';
import { OVERTAKEN_PRIMARY, runAttempt, type AttemptContext, type AttemptResult } from './attempt';
import type { AttemptReport } from './attempt-report';

/**
 * The isolate's hedge budget. Module state is per isolate, like IsolateState (which another
 * owner keeps); it holds only counters over the last minute.
 */
export const hedgeBudget = new HedgeBudget(Date.now);

export interface AttemptLeg {
  candidate: Candidate;
  /** 1-based attempt number. */
  attempt: number;
  upstream: UpstreamRequest;
}

export interface HedgeSetup {
  delayMs: number;
  /** The next attempt of the plan (advances the caller's walk), or null when none can be built. */
  nextLeg: () => Promise<AttemptLeg | null>;
  /** Logs a report that is not the returned result's (a failed leg, the loser). */
  record: (report: AttemptReport) => void;
  /** Keeps the loser's clean-up alive after the answer went out. */
  waitUntil: (promise: Promise<unknown>) => void;
  budget?: HedgeBudget;
}

type Role = 'primary' | 'hedge';

interface RunningLeg {
  role: Role;
  result: Promise<AttemptResult>;
  control: AbortController;
}

/** Run `first`, hedged per `setup`. `hedged` tells whether a second attempt was started. */
export async function runHedged(first: AttemptLeg, context: AttemptContext, setup: HedgeSetup): Promise<{ result: AttemptResult; hedged: boolean }> {
  const budget = setup.budget ?? hedgeBudget;
  const primary = start('primary', first, context);
  const timer = delay(setup.delayMs);
  const early = await Promise.race([primary.result, timer.promise]);
  timer.cancel();
  if (early !== null || !budget.allows()) return { result: early ?? (await primary.result), hedged: false };
  const leg = await setup.nextLeg();
  if (leg === null) return { result: await primary.result, hedged: false };
  // Counted against the share of requests at once, so a burst of slow first tokens cannot overspend.
  budget.recordHedge(0);
  const hedge = start('hedge', leg, context);
  const legs = [primary, hedge];

  const winner = await Promise.race(legs.map((running, index) => running.result.then((result) => ({ index, result }))));
  const other = legs[1 - winner.index]!;
  const result = tagged(winner.result, legs[winner.index]!.role);
  // A failure (other than the request's own fault) is not a win: the other leg may still answer.
  if (result.kind === 'failed' && result.failure.error_class !== 'client') {
    setup.record(result.report);
    return { result: tagged(await other.result, other.role), hedged: true };
  }
  // A primary overtaken by its hedge had no first token well past its channel's usual TTFT:
  // its live signals hear a timeout (attempt.ts), so a hanging channel still trips its breaker
  // while hedges hide the hang from callers. A losing hedge started late: plain cancellation.
  other.control.abort(other.role === 'primary' ? OVERTAKEN_PRIMARY : undefined);
  setup.waitUntil(other.result.then(async (lost) => {
    const report = await loserReport(tagged(lost, other.role));
    setup.record(report);
    budget.recordHedge(usageCost(report.usage, report.candidate.cost), 0);
  }));
  return { result, hedged: true };
}

function start(role: Role, leg: AttemptLeg, context: AttemptContext): RunningLeg {
  const control = new AbortController();
  return { role, control, result: runAttempt(leg.candidate, leg.attempt, leg.upstream, context, control.signal) };
}

/** The result with its report(s) marked with the leg's role. */
function tagged(result: AttemptResult, role: Role): AttemptResult {
  if (result.kind === 'streaming') return { ...result, report: result.report.then((report) => ({ ...report, hedge: role })) };
  return { ...result, report: { ...result.report, hedge: role } } as AttemptResult;
}

/** The losing leg, whatever state the cancellation caught it in: never final, never charged. */
async function loserReport(result: AttemptResult): Promise<AttemptReport> {
  let report: AttemptReport;
  if (result.kind === 'streaming') {
    // Its first token came as the winner's did: drop the body (its pump ends as 'cancelled').
    await result.body.cancel().catch(() => undefined);
    report = await result.report;
  } else report = result.report;
  const cancelled = report.error_class === 'none' || report.error_class === 'cancelled';
  return { ...report, final: false, hedge_lost: true, ...(cancelled ? { error_class: 'cancelled' as const, error_message: 'Cancelled: another attempt answered first.' } : {}) };
}

function delay(ms: number): { promise: Promise<null>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), Math.max(0, ms));
  });
  return { promise, cancel: () => (timer === undefined ? undefined : clearTimeout(timer)) };
}
