// The routing simulator's scenario format (docs/routing.md): a fleet of channels whose
// behaviour changes over time, and a workload. Behaviour fields are the upstream
// simulator's, so a scenario can also be played live against the real stack.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const price = z.strictObject({
  input_per_mtok: z.number().min(0),
  output_per_mtok: z.number().min(0),
  cached_input_per_mtok: z.number().min(0).optional(),
});

export const behaviourSchema = z.strictObject({
  dialect: z.enum(['openai', 'anthropic', 'gemini']).optional(),
  ttft_ms: z.number().min(0).default(400),
  ttft_jitter_ms: z.number().min(0).default(0),
  tokens_per_s: z.number().positive().default(60),
  output_tokens: z.number().int().positive().optional(),
  error_rate: z.number().min(0).max(1).default(0),
  error_status: z.number().int().min(400).max(599).default(500),
  rate_limit_rps: z.number().positive().nullable().default(null),
  max_concurrency: z.number().int().positive().nullable().default(null),
  down: z.boolean().default(false),
  hang: z.boolean().default(false),
  fail_mid_stream_rate: z.number().min(0).max(1).default(0),
  /** Routing simulator only (heavy-tailed TTFT): this share of attempts waits… */
  ttft_tail_rate: z.number().min(0).max(1).default(0),
  /** …an extra Pareto-distributed delay (shape 1.5) whose scale is this many ms. */
  ttft_tail_ms: z.number().min(0).default(0),
});

export type Behaviour = z.infer<typeof behaviourSchema>;

const distribution = z.strictObject({ mean: z.number().min(1), sd: z.number().min(0) });

/** A timeline change: only the fields it names (no defaults, unlike behaviourSchema). */
const behaviourChangeSchema = z.strictObject({
  ttft_ms: z.number().min(0).optional(),
  ttft_jitter_ms: z.number().min(0).optional(),
  tokens_per_s: z.number().positive().optional(),
  output_tokens: z.number().int().positive().optional(),
  error_rate: z.number().min(0).max(1).optional(),
  error_status: z.number().int().min(400).max(599).optional(),
  rate_limit_rps: z.number().positive().nullable().optional(),
  max_concurrency: z.number().int().positive().nullable().optional(),
  down: z.boolean().optional(),
  hang: z.boolean().optional(),
  fail_mid_stream_rate: z.number().min(0).max(1).optional(),
  ttft_tail_rate: z.number().min(0).max(1).optional(),
  ttft_tail_ms: z.number().min(0).optional(),
});


/**
 * A channel's prompt cache: a conversation's prefix stays cached for ttl_s after its last use
 * (each use refreshes it); cached tokens are billed at cached_input_per_mtok (ours and the
 * caller's) and the first token comes sooner by ttft_factor on the cached share of the input.
 */
const cacheSchema = z.strictObject({
  ttl_s: z.number().positive().default(300),
  /** Cached TTFT / uncached TTFT when the whole input is cached. */
  ttft_factor: z.number().min(0).max(1).default(0.5),
  /** Probability that a warm prefix is really read (providers evict under pressure). */
  hit_rate: z.number().min(0).max(1).default(1),
});

/**
 * Multi-turn conversations: a new conversation starts at workload.rps / mean turns per
 * second; its turns come think_s apart; turn k's input is the conversation's prefix (system
 * prompt and tools) plus every earlier turn's input and answer plus a new message of
 * workload.input_tokens; everything before the new message is the cacheable prefix.
 */
const conversationsSchema = z.strictObject({
  turns: distribution,
  think_s: distribution,
  prefix_tokens: distribution,
});

const timelineEntry = z.strictObject({
  at_s: z.number().min(0),
  set: behaviourChangeSchema.optional(),
  set_cost: z
    .strictObject({
      model: z.string(),
      input_per_mtok: z.number().min(0),
      output_per_mtok: z.number().min(0),
      cached_input_per_mtok: z.number().min(0).optional(),
    })
    .optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().default(1),
  duration_s: z.number().positive(),
  isolates: z.number().int().min(1).default(4),
  push_interval_s: z.number().positive().default(5),
  /** Width of the analytics node's statistics window. */
  window_s: z.number().positive().default(60),
  /** How many of the newest attempts the recent-failure streak counts. */
  recent_attempts: z.number().int().min(1).default(20),
  max_attempts: z.number().int().min(1).max(10).default(3),
  first_byte_timeout_ms: z.number().positive().default(15_000),
  models: z.array(z.strictObject({ id: z.string().min(1), price })).min(1),
  workload: z.strictObject({
    rps: z.number().positive(),
    model: z.string().min(1),
    stream: z.boolean().default(true),
    input_tokens: distribution,
    output_tokens: distribution,
    timeline: z.array(z.strictObject({ at_s: z.number().min(0), rps: z.number().positive() })).default([]),
    conversations: conversationsSchema.optional(),
  }),
  channels: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        models: z.array(z.strictObject({ model: z.string(), cost: price })).min(1),
        behaviour: behaviourSchema,
        weight: z.number().min(0).default(1),
        priority: z.number().int().default(0),
        /** What the operator configured; defaults to the behaviour's max_concurrency. */
        max_concurrency: z.number().int().positive().nullable().optional(),
        timeline: z.array(timelineEntry).default([]),
        /** Absent: the channel caches nothing (every turn pays full input). */
        cache: cacheSchema.optional(),
        /** What the router is told of the cache lifetime (Candidate.cache_ttl_s); absent: the dialect's default. */
        cache_ttl_s: z.number().positive().optional(),
      }),
    )
    .min(1),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ChannelSpec = Scenario['channels'][number];
export type CacheSpec = z.infer<typeof cacheSchema>;
export type ConversationSpec = z.infer<typeof conversationsSchema>;

export function parseScenario(value: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid scenario at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

export function loadScenario(path: string): Scenario {
  return parseScenario(JSON.parse(readFileSync(path, 'utf8')));
}

/** A hard outage starts when a channel goes down or hangs, and ends when it comes back. */
export interface FaultEvent {
  channel_id: string;
  start_s: number;
  end_s: number | null;
}

export function hardOutages(scenario: Scenario): FaultEvent[] {
  const events: FaultEvent[] = [];
  for (const channel of scenario.channels) {
    let down = channel.behaviour.down || channel.behaviour.hang;
    let hang = channel.behaviour.hang;
    let onlyDown = channel.behaviour.down;
    let open: FaultEvent | null = down ? { channel_id: channel.id, start_s: 0, end_s: null } : null;
    const sorted = [...channel.timeline].sort((a, b) => a.at_s - b.at_s);
    for (const entry of sorted) {
      if (entry.set === undefined) continue;
      if (entry.set.down !== undefined) onlyDown = entry.set.down;
      if (entry.set.hang !== undefined) hang = entry.set.hang;
      const now = onlyDown || hang;
      if (now && !down) {
        open = { channel_id: channel.id, start_s: entry.at_s, end_s: null };
        events.push(open);
      } else if (!now && down && open !== null) {
        open.end_s = entry.at_s;
        open = null;
      }
      down = now;
    }
  }
  return events.filter((event) => event.start_s > 0);
}
