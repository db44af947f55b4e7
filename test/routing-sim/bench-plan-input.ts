// The bench's plan input: `count` channels of one model with random costs, scores and live
// signals (seeded, so every run plans the same fleet). Scores come as the worker's score
// store hands them over: a ScoreIndex built when the table arrives; live signals in the
// LiveSignalMap the worker's LiveSignals keeps its snapshot in (entries never replaced).
import { LiveSignalMap } from '../../worker/core/routing/live-signal-map';
import { ScoreIndex } from '../../worker/core/routing/score-index';
import { seededRandom } from '../../worker/core/routing/random';
import { scoreKey, type LiveChannelSignals, type PlanInput } from '../../worker/core/routing/types';
import type { Candidate, ChannelScore } from '../../worker/core/types';

export function benchInput(count: number): PlanInput {
  const random = seededRandom(count);
  const candidates: Candidate[] = [];
  const scores = new Map<string, ChannelScore>();
  const live = new LiveSignalMap();
  for (let index = 0; index < count; index++) {
    const channel_id = `channel-${index}`;
    const cost = 0.3 + random() * 0.6;
    candidates.push({
      channel_id,
      dialect: 'openai',
      base_url: `https://${channel_id}.example`,
      model: 'm',
      upstream_model: 'm',
      cost: { input_per_mtok: cost, output_per_mtok: cost * 3 },
      price: { input_per_mtok: 1, output_per_mtok: 3 },
      priority: 0,
      weight: 1,
      max_concurrency: 200,
      capabilities: ['tools'],
      context_length: 128_000,
    });
    const ttft = 150 + random() * 900;
    scores.set(scoreKey(channel_id, 'm'), {
      channel_id,
      model: 'm',
      success_p: 0.95 + random() * 0.05,
      ttft_p50_ms: ttft,
      ttft_p95_ms: ttft * 1.5,
      tokens_per_s: 40 + random() * 120,
      error_mix: { rate_limit: 0, server: 0, timeout: 0, connection: 0 },
      samples: 500,
      last_ts: 1_000_000,
      down: false,
    });
    live.set(channel_id, { in_flight: Math.floor(random() * 10), breaker: 'closed', recent_failures: random(), recent_successes: 10, success_streak: 5, stalled_ms: 0 });
  }
  return {
    candidates,
    // As the worker's score store hands it over: indexed when the table arrives.
    scores: new ScoreIndex(scores.values()),
    live,
    policy: { mode: 'balanced', max_attempts: 3 },
    profile: { models: ['m'], input_tokens: 900, output_tokens: 350, capabilities: ['tools'] },
    now: 1_000_000,
    random: seededRandom(1),
  };
}
