// The effective knobs for one request: the mode's preset, overridden by the policy's weights,
// temperature and exploration cap. No allocation beyond the returned object.
import { MODE_PRESETS, ROUTING_CONSTANTS } from './presets';
import type { RoutingMode, RoutingPolicy } from './types';

export interface RouterSettings {
  mode: RoutingMode;
  /** Weights divided by their sum. */
  margin: number;
  ttft: number;
  throughput: number;
  reliability: number;
  temperature: number;
  exploration_cap: number;
}

const MIN_TEMPERATURE = 0.005;

export function settingsOf(policy: RoutingPolicy): RouterSettings {
  const preset = MODE_PRESETS[policy.mode] ?? MODE_PRESETS.balanced;
  const override = policy.weights;
  let margin = nonNegative(override?.margin, preset.weights.margin);
  let ttft = nonNegative(override?.ttft, preset.weights.ttft);
  let throughput = nonNegative(override?.throughput, preset.weights.throughput);
  let reliability = nonNegative(override?.reliability, preset.weights.reliability);
  let sum = margin + ttft + throughput + reliability;
  if (!(sum > 0)) {
    ({ margin, ttft, throughput, reliability } = preset.weights);
    sum = margin + ttft + throughput + reliability;
  }
  const temperature = policy.temperature ?? preset.temperature;
  const exploration = policy.exploration ?? ROUTING_CONSTANTS.exploration_cap;
  return {
    mode: MODE_PRESETS[policy.mode] === undefined ? 'balanced' : policy.mode,
    margin: margin / sum,
    ttft: ttft / sum,
    throughput: throughput / sum,
    reliability: reliability / sum,
    temperature: Number.isFinite(temperature) ? Math.max(MIN_TEMPERATURE, temperature) : preset.temperature,
    exploration_cap: Number.isFinite(exploration) ? Math.min(0.5, Math.max(0, exploration)) : 0,
  };
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
