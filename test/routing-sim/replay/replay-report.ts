// A replay's report: the same rows as a scenario run (metrics.ts summarise, so reaction
// times count the channels' logged hard-down periods as outages), a first row for what the
// real router did, and the lines that say what was replayed and what is approximated.
import { BUCKET_MS, type RunResult } from '../engine';
import { summarise, type ScenarioReport } from '../metrics';
import { parseScenario, type Scenario } from '../scenario';
import type { ReplayModel } from './replay-model';

export const LOGGED_ROW = 'logged (real router)';

export function replayReport(model: ReplayModel, runs: readonly RunResult[]): ScenarioReport {
  const scenario = outageScenario(model);
  return { scenario: scenario.name, strategies: [loggedRun(model, runs[0]?.channel_ids ?? []), ...runs].map((run) => summarise(scenario, run)) };
}

export function replayDescription(model: ReplayModel, cacheTtlS: number): string {
  const pairs = model.channels.length;
  const channels = new Set(model.channels.map((channel) => channel.channel_id)).size;
  const conversations = model.requests.filter((request) => request.conversation !== null).length;
  return [
    `replayed: ${model.requests.length} requests (${model.logged.attempts} attempts logged) of ${model.prices.size} model(s) on ${channels} channel(s) (${pairs} channel × model pairs) over ${((model.to - model.from) / 1000).toFixed(0)} s, ${new Date(model.from).toISOString()}..${new Date(model.to).toISOString()}; ${conversations} requests continue a conversation; ${model.score_versions} score versions were pushed in the window, ${model.initial_scores.length > 0 ? 'the table held at its start seeds the replay' : 'none before it'}.`,
    `approximated: every channel's behaviour (TTFT, tokens/s, errors by class, 429 capacity, down periods) is what it showed in the log within ${model.bucket_ms / 1000} s buckets, carried forward while untried, so a channel the real router avoided keeps its last observed behaviour; capacity is known only where it answered 429s; cost and price rates are fitted from cost_usd and price_usd; a conversation's turn reads the previous turn's input from cache on a channel that served it within ${cacheTtlS} s; no hedging (the hedged % column stays 0 but for the logged row). switchboard:* recompute their own scores from the replayed outcomes (as in a scenario run), starting from the logged score table.`,
  ].join('\n');
}

/** The logged traffic as a run, so the real router's row is computed like the others. */
function loggedRun(model: ReplayModel, channelIds: readonly string[]): RunResult {
  const ids = channelIds.length > 0 ? [...channelIds] : [...new Set(model.channels.map((channel) => channel.channel_id))];
  const index = new Map(ids.map((id, position) => [id, position]));
  const buckets = Math.ceil((model.to - model.from) / BUCKET_MS);
  const first_attempts = new Int32Array(buckets * ids.length);
  model.requests.forEach((request, position) => {
    const bucket = Math.floor(request.arrival_ms / BUCKET_MS);
    const channel = index.get(model.logged.first_channels[position]!);
    if (bucket < buckets && channel !== undefined) first_attempts[bucket * ids.length + channel]!++;
  });
  return {
    strategy: LOGGED_ROW,
    requests: model.requests.length,
    successes: model.logged.successes,
    attempts: model.logged.attempts,
    ttft_ms: model.logged.ttft_ms,
    e2e_ms: model.logged.e2e_ms,
    cost_usd: model.logged.cost_usd,
    revenue_usd: model.logged.revenue_usd,
    channel_ids: ids,
    first_attempts,
    buckets,
    hedges: model.logged.hedges,
    hedge_cost_usd: model.logged.hedge_cost_usd,
    turns: model.logged.turns,
    warm_turns: model.logged.warm_turns,
  };
}

/** A scenario that only names the window, its models and the channels' hard-down periods. */
function outageScenario(model: ReplayModel): Scenario {
  const durationS = (model.to - model.from) / 1000;
  const ids = [...new Set(model.channels.map((channel) => channel.channel_id))];
  const prices = [...model.prices.entries()];
  return parseScenario({
    name: `replay ${new Date(model.from).toISOString()}..${new Date(model.to).toISOString()}`,
    duration_s: durationS,
    models: prices.map(([id, price]) => ({ id, price: rates(price) })),
    workload: {
      rps: Math.max(0.001, model.requests.length / durationS),
      model: prices[0]?.[0] ?? 'none',
      input_tokens: { mean: 1, sd: 0 },
      output_tokens: { mean: 1, sd: 0 },
    },
    channels: ids.map((id) => {
      const pairs = model.channels.filter((channel) => channel.channel_id === id);
      return {
        id,
        models: pairs.map((pair) => ({ model: pair.model, cost: rates(pair.cost) })),
        behaviour: {},
        timeline: model.down_periods
          .filter((period) => period.channel_id === id)
          .flatMap((period) => [
            { at_s: period.start_s, set: { down: true } },
            ...(period.end_s === null ? [] : [{ at_s: period.end_s, set: { down: false } }]),
          ]),
      };
    }),
  });
}

function rates(price: { input_per_mtok: number; output_per_mtok: number }): { input_per_mtok: number; output_per_mtok: number } {
  return { input_per_mtok: price.input_per_mtok, output_per_mtok: price.output_per_mtok };
}
