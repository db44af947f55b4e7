// From a run to routing.md's report row: success, attempts, TTFT and end-to-end quantiles,
// money, and reaction times to hard outages (worst over the scenario's outages).
import { BUCKET_MS, type RunResult } from './engine';
import { hardOutages, type Scenario } from './scenario';
import { quantile } from './window-stats';

export interface StrategyReport {
  name: string;
  requests: number;
  success_rate: number;
  attempts_per_request: number;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  ttft_p99_ms: number | null;
  e2e_p95_ms: number | null;
  cost_usd: number;
  revenue_usd: number;
  margin_usd: number;
  margin_pct: number;
  reaction_outage_s: number | null;
  reaction_recovery_s: number | null;
  /** Conversation turns after the opening one served on a warm prompt cache (null: no such turns). */
  warm_turn_rate: number | null;
  /** Share of requests hedged, and what the hedges' cancelled attempts cost (in cost_usd). */
  hedge_rate: number;
  hedge_cost_usd: number;
}

export interface ScenarioReport {
  scenario: string;
  strategies: StrategyReport[];
}

/** A faulty channel has "reacted" once it gets under 5% of first attempts over the next 2 s. */
const OUTAGE_SHARE = 0.05;
const OUTAGE_WINDOW_MS = 2_000;
/** Recovered once it gets half its pre-fault share (last 60 s before the fault) over 5 s. */
const RECOVERY_WINDOW_MS = 5_000;
const PRE_FAULT_MS = 60_000;
const STEP_MS = 100;

export function summarise(scenario: Scenario, run: RunResult): StrategyReport {
  const ttft = run.ttft_ms.slice().sort((a, b) => a - b);
  const e2e = run.e2e_ms.slice().sort((a, b) => a - b);
  const margin = run.revenue_usd - run.cost_usd;
  const reactions = reactionTimes(scenario, run);
  return {
    name: run.strategy,
    requests: run.requests,
    success_rate: round(run.requests === 0 ? 1 : run.successes / run.requests, 6),
    attempts_per_request: round(run.requests === 0 ? 0 : run.attempts / run.requests, 4),
    ttft_p50_ms: roundOrNull(quantile(ttft, 0.5)),
    ttft_p95_ms: roundOrNull(quantile(ttft, 0.95)),
    ttft_p99_ms: roundOrNull(quantile(ttft, 0.99)),
    e2e_p95_ms: roundOrNull(quantile(e2e, 0.95)),
    cost_usd: round(run.cost_usd, 6),
    revenue_usd: round(run.revenue_usd, 6),
    margin_usd: round(margin, 6),
    margin_pct: round(run.revenue_usd === 0 ? 0 : (100 * margin) / run.revenue_usd, 3),
    reaction_outage_s: reactions.outage,
    reaction_recovery_s: reactions.recovery,
    warm_turn_rate: (run.turns ?? 0) === 0 ? null : round((run.warm_turns ?? 0) / run.turns!, 4),
    hedge_rate: round(run.requests === 0 ? 0 : (run.hedges ?? 0) / run.requests, 4),
    hedge_cost_usd: round(run.hedge_cost_usd ?? 0, 6),
  };
}

function reactionTimes(scenario: Scenario, run: RunResult): { outage: number | null; recovery: number | null } {
  const durationMs = Math.min(scenario.duration_s * 1000, run.buckets * BUCKET_MS);
  let outage: number | null = null;
  let recovery: number | null = null;
  const events = hardOutages(scenario);
  for (const event of events) {
    const channel = run.channel_ids.indexOf(event.channel_id);
    const startMs = event.start_s * 1000;
    const endMs = event.end_s === null ? durationMs : Math.min(durationMs, event.end_s * 1000);
    let reacted = endMs - startMs;
    for (let at = startMs; at + OUTAGE_WINDOW_MS <= endMs; at += STEP_MS) {
      if (share(run, channel, at, at + OUTAGE_WINDOW_MS) < OUTAGE_SHARE) {
        reacted = at - startMs;
        break;
      }
    }
    outage = Math.max(outage ?? 0, reacted / 1000);
    if (event.end_s === null || endMs >= durationMs) continue;
    const before = share(run, channel, Math.max(0, startMs - PRE_FAULT_MS), startMs);
    const next = events.find((other) => other.channel_id === event.channel_id && other.start_s > event.start_s);
    const limit = Math.min(durationMs, next === undefined ? durationMs : next.start_s * 1000);
    let recovered = limit - endMs;
    for (let at = endMs; at + RECOVERY_WINDOW_MS <= limit; at += STEP_MS) {
      if (share(run, channel, at, at + RECOVERY_WINDOW_MS) >= 0.5 * before) {
        recovered = at - endMs;
        break;
      }
    }
    recovery = Math.max(recovery ?? 0, recovered / 1000);
  }
  return {
    outage: outage === null ? null : round(outage, 1),
    recovery: recovery === null ? null : round(recovery, 1),
  };
}

/** Share of first attempts that went to `channel` in [from, to). */
export function share(run: RunResult, channel: number, from: number, to: number): number {
  const channels = run.channel_ids.length;
  let mine = 0;
  let all = 0;
  const first = Math.max(0, Math.floor(from / BUCKET_MS));
  const last = Math.min(run.buckets, Math.ceil(to / BUCKET_MS));
  for (let bucket = first; bucket < last; bucket++) {
    for (let index = 0; index < channels; index++) {
      const count = run.first_attempts[bucket * channels + index]!;
      all += count;
      if (index === channel) mine += count;
    }
  }
  return all === 0 ? 0 : mine / all;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
