import { describe, expect, it } from 'vitest';
import { simulate } from './run';
import { hardOutages, parseScenario, type ScenarioInput } from './scenario';
import { STRATEGIES } from './strategies/index';

const tiny: ScenarioInput = {
  name: 'tiny',
  seed: 5,
  duration_s: 60,
  isolates: 2,
  push_interval_s: 5,
  models: [{ id: 'm', price: { input_per_mtok: 1, output_per_mtok: 3 } }],
  workload: { rps: 20, model: 'm', input_tokens: { mean: 500, sd: 100 }, output_tokens: { mean: 100, sd: 50 } },
  channels: [
    {
      id: 'a',
      models: [{ model: 'm', cost: { input_per_mtok: 0.5, output_per_mtok: 1.5 } }],
      behaviour: { ttft_ms: 300, tokens_per_s: 80, error_rate: 0.01 },
      timeline: [{ at_s: 20, set: { down: true } }, { at_s: 40, set: { down: false } }],
    },
    {
      id: 'b',
      models: [{ model: 'm', cost: { input_per_mtok: 0.7, output_per_mtok: 2 } }],
      behaviour: { ttft_ms: 200, tokens_per_s: 100 },
      timeline: [{ at_s: 30, set_cost: { model: 'm', input_per_mtok: 0.2, output_per_mtok: 0.6 } }],
    },
  ],
};

describe('routing simulator', () => {
  it('is deterministic: the same seed gives identical JSON', () => {
    const scenario = parseScenario(tiny);
    const first = JSON.stringify(simulate(scenario).report);
    const second = JSON.stringify(simulate(scenario).report);
    expect(first).toBe(second);
    const other = JSON.stringify(simulate({ ...scenario, seed: 6 }).report);
    expect(other).not.toBe(first);
  });

  it('writes routing.md JSON shape for every strategy', () => {
    const { report } = simulate(parseScenario(tiny));
    expect(report.scenario).toBe('tiny');
    expect(report.strategies.map((row) => row.name)).toEqual(STRATEGIES.map((strategy) => strategy.name));
    for (const row of report.strategies) {
      expect(Object.keys(row)).toEqual([
        'name', 'requests', 'success_rate', 'attempts_per_request', 'ttft_p50_ms', 'ttft_p95_ms', 'ttft_p99_ms',
        'e2e_p95_ms', 'cost_usd', 'revenue_usd', 'margin_usd', 'margin_pct', 'reaction_outage_s', 'reaction_recovery_s',
        'warm_turn_rate', 'hedge_rate', 'hedge_cost_usd',
      ]);
      expect(row.requests).toBeGreaterThan(1000);
      expect(row.reaction_outage_s).not.toBeNull();
    }
  });

  it('reports null reactions when the scenario has no outage', () => {
    const calm = parseScenario({ ...tiny, channels: tiny.channels.map((channel) => ({ ...channel, timeline: [] })) });
    expect(hardOutages(calm)).toEqual([]);
    const { report } = simulate(calm, { strategies: ['round-robin', 'switchboard:balanced'] });
    for (const row of report.strategies) {
      expect(row.reaction_outage_s).toBeNull();
      expect(row.reaction_recovery_s).toBeNull();
    }
  });

  it('applies a timeline change to the named fields only', () => {
    const scenario = parseScenario(tiny);
    expect(scenario.channels[0]!.timeline[0]!.set).toEqual({ down: true });
  });
});
