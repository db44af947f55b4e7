// Every strategy the simulator knows, by name.
import { cheapest } from './cheapest';
import { leastBusy } from './least-busy';
import { lowestLatency } from './lowest-latency';
import { openrouterSticky } from './openrouter-sticky';
import { p2cEwma } from './p2c-ewma';
import { roundRobin } from './round-robin';
import type { Strategy } from './strategy';
import { switchboard } from './switchboard';
import { weightedRandom } from './weighted-random';

export const BASELINES: readonly Strategy[] = [
  roundRobin,
  weightedRandom,
  cheapest,
  openrouterSticky,
  lowestLatency,
  leastBusy,
  p2cEwma,
];

export const SWITCHBOARD: readonly Strategy[] = [
  switchboard('economy'),
  switchboard('balanced'),
  switchboard('performance'),
  switchboard('stability'),
];

export const STRATEGIES: readonly Strategy[] = [...BASELINES, ...SWITCHBOARD];

/** Run by name only (not in the default table): performance mode with hedging off, hedging's A/B. */
export const EXTRA_STRATEGIES: readonly Strategy[] = [switchboard('performance', { hedge: false, suffix: '-unhedged' })];

export function strategyByName(name: string): Strategy {
  const strategy = [...STRATEGIES, ...EXTRA_STRATEGIES].find((candidate) => candidate.name === name);
  if (strategy === undefined) {
    throw new Error(`unknown strategy '${name}'; known: ${STRATEGIES.map((known) => known.name).join(', ')}`);
  }
  return strategy;
}
