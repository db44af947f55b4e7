// Runs strategies over a scenario and collects the report (and the raw runs for the HTML).
import type { RunResult } from './engine';
import { runStrategy } from './engine';
import { summarise, type ScenarioReport } from './metrics';
import type { Scenario } from './scenario';
import { STRATEGIES, strategyByName } from './strategies/index';

export interface SimulationOptions {
  /** Strategy names; all when empty. */
  strategies?: readonly string[];
  /** Overrides the scenario's duration (tests use shorter runs). */
  duration_s?: number;
}

export interface Simulation {
  report: ScenarioReport;
  runs: RunResult[];
  scenario: Scenario;
}

export function simulate(input: Scenario, options: SimulationOptions = {}): Simulation {
  const scenario = options.duration_s === undefined ? input : { ...input, duration_s: options.duration_s };
  const strategies =
    options.strategies === undefined || options.strategies.length === 0
      ? STRATEGIES
      : options.strategies.map(strategyByName);
  const runs = strategies.map((strategy) => runStrategy(scenario, strategy));
  return {
    scenario,
    runs,
    report: { scenario: scenario.name, strategies: runs.map((run) => summarise(scenario, run)) },
  };
}
