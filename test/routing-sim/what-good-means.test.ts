// routing.md's "what good means", asserted on the shipped scenarios (shortened where the
// scenario's events allow, so the file runs in seconds rather than minutes), and issue 14's
// criteria on the scenarios with conversations and per-channel prompt caches.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StrategyReport } from './metrics';
import { simulate } from './run';
import { loadScenario } from './scenario';

const directory = path.join(import.meta.dirname, 'scenarios');

const SCENARIOS: { file: string; duration_s: number }[] = [
  { file: 'outage.json', duration_s: 450 },
  { file: 'brownout.json', duration_s: 420 },
  { file: 'rate-limit.json', duration_s: 420 },
  { file: 'price-change.json', duration_s: 450 },
  { file: 'flapping.json', duration_s: 330 },
  { file: 'wide-fleet.json', duration_s: 360 },
  // Full length: issue 14's criteria are the scenarios' (a shortened failing-channel run ends
  // 80 s after the channel's recovery, before economy earns back what the outage cost).
  { file: 'conversations-steady.json', duration_s: 600 },
  { file: 'conversations-cheaper-channel.json', duration_s: 600 },
  { file: 'conversations-failing-channel.json', duration_s: 600 },
  { file: 'heavy-tail.json', duration_s: 300 },
];

/**
 * What economy's margin (cache discounts included) reaches against the best baseline on the
 * conversation scenarios: issue 14 asks 1.15. Full-length runs measure 1.18, 1.16 and 1.16
 * (docs/routing.md, "Conversations").
 */
const ECONOMY_OVER_BEST_BASELINE = 1.15;

const isBaseline = (row: StrategyReport): boolean => !row.name.startsWith('switchboard:');

function dominates(baseline: StrategyReport, ours: StrategyReport): boolean {
  const atLeast =
    baseline.success_rate >= ours.success_rate &&
    baseline.ttft_p95_ms! <= ours.ttft_p95_ms! &&
    baseline.margin_usd >= ours.margin_usd;
  const better =
    baseline.success_rate > ours.success_rate ||
    baseline.ttft_p95_ms! < ours.ttft_p95_ms! ||
    baseline.margin_usd > ours.margin_usd;
  return atLeast && better;
}

describe.each(SCENARIOS)('what good means on $file', ({ file, duration_s }) => {
  const scenario = loadScenario(path.join(directory, file));
  const { report } = simulate(scenario, { duration_s });
  const row = (name: string): StrategyReport => report.strategies.find((entry) => entry.name === name)!;
  const eligible = report.strategies.filter((entry) => entry.success_rate >= 0.995);

  it('switchboard:* keeps client-visible success at or above 99.9%', () => {
    for (const entry of report.strategies.filter((candidate) => !isBaseline(candidate))) {
      expect(entry.success_rate, entry.name).toBeGreaterThanOrEqual(0.999);
    }
  });

  it('switchboard:economy earns the highest margin among strategies with ≥ 99.5% success', () => {
    const best = Math.max(...eligible.map((entry) => entry.margin_usd));
    expect(row('switchboard:economy').margin_usd).toBe(best);
  });

  it('switchboard:performance has the lowest TTFT p95 among strategies with ≥ 99.5% success', () => {
    const best = Math.min(...eligible.map((entry) => entry.ttft_p95_ms!));
    expect(row('switchboard:performance').ttft_p95_ms).toBe(best);
  });

  it('switchboard:balanced is dominated by no baseline', () => {
    const balanced = row('switchboard:balanced');
    for (const baseline of report.strategies.filter(isBaseline)) {
      expect(dominates(baseline, balanced), `${baseline.name} dominates balanced`).toBe(false);
    }
  });

  const conversational = scenario.workload.conversations !== undefined;
  const failing = scenario.channels.some((channel) => channel.timeline.some((entry) => entry.set?.down === true));

  it.runIf(conversational)('switchboard:economy out-earns the best baseline (cache discounts included) at ≥ 99.5% success', () => {
    const economy = row('switchboard:economy');
    expect(economy.success_rate).toBeGreaterThanOrEqual(0.995);
    const best = Math.max(...report.strategies.filter(isBaseline).map((entry) => entry.margin_usd));
    expect(report.strategies.map((entry) => entry.name)).toContain('openrouter-sticky');
    expect(economy.margin_usd / best).toBeGreaterThanOrEqual(ECONOMY_OVER_BEST_BASELINE);
  });

  it.runIf(conversational && !failing)('switchboard:balanced keeps ≥ 90% of turns on a warm cache', () => {
    expect(row('switchboard:balanced').warm_turn_rate).toBeGreaterThanOrEqual(0.9);
    // The scattering baselines do not: the cache is what affinity adds.
    expect(row('round-robin').warm_turn_rate).toBeLessThan(0.5);
  });

  it('reacts to a hard outage within one push interval', () => {
    for (const entry of report.strategies.filter((candidate) => !isBaseline(candidate))) {
      if (entry.reaction_outage_s === null) continue;
      expect(entry.reaction_outage_s, entry.name).toBeLessThan(scenario.push_interval_s);
    }
  });
});

describe('recovery on outage.json', () => {
  const scenario = loadScenario(path.join(directory, 'outage.json'));
  const { report } = simulate(scenario, { duration_s: 450, strategies: ['switchboard:economy', 'switchboard:balanced', 'switchboard:performance', 'switchboard:stability'] });
  it('is noticed within a few push intervals', () => {
    for (const entry of report.strategies) {
      expect(entry.reaction_recovery_s, entry.name).not.toBeNull();
      expect(entry.reaction_recovery_s!, entry.name).toBeLessThanOrEqual(3 * scenario.push_interval_s);
    }
  });
});

describe('hedging on heavy-tail.json', () => {
  const scenario = loadScenario(path.join(directory, 'heavy-tail.json'));
  const { report } = simulate(scenario, { duration_s: 300, strategies: ['switchboard:performance', 'switchboard:performance-unhedged'] });
  const [hedged, unhedged] = report.strategies as [StrategyReport, StrategyReport];

  it('cuts TTFT p99 by at least 30% against unhedged performance, at no more than 10% extra cost', () => {
    expect(hedged.hedge_rate).toBeGreaterThan(0);
    expect(hedged.hedge_rate).toBeLessThanOrEqual(0.1);
    expect(hedged.ttft_p99_ms!).toBeLessThanOrEqual(0.7 * unhedged.ttft_p99_ms!);
    expect(hedged.cost_usd).toBeLessThanOrEqual(1.1 * unhedged.cost_usd);
    expect(hedged.success_rate).toBeGreaterThanOrEqual(0.999);
  });
});
