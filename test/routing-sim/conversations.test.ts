// The simulator's conversations, prompt caches, shared memory and hedging, each proven
// through the simulator's own interfaces.
import { describe, expect, it } from 'vitest';
import { ConversationMemory, SHARED_MEMORY_DELAY_MS, type Turn } from './conversations';
import { EventQueue } from './event-queue';
import { PromptCache } from './prompt-cache';
import { simulate } from './run';
import { parseScenario, type ScenarioInput } from './scenario';

const chats: ScenarioInput = {
  name: 'chats',
  seed: 9,
  duration_s: 120,
  isolates: 3,
  push_interval_s: 5,
  models: [{ id: 'm', price: { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 1.5 } }],
  workload: {
    rps: 10,
    model: 'm',
    input_tokens: { mean: 200, sd: 50 },
    output_tokens: { mean: 100, sd: 30 },
    conversations: { turns: { mean: 6, sd: 1 }, think_s: { mean: 8, sd: 2 }, prefix_tokens: { mean: 3000, sd: 500 } },
  },
  channels: ['a', 'b', 'c'].map((id) => ({
    id,
    models: [{ model: 'm', cost: { input_per_mtok: 2, output_per_mtok: 10, cached_input_per_mtok: 0.2 } }],
    behaviour: { ttft_ms: 400, tokens_per_s: 80 },
    cache: { ttl_s: 300, ttft_factor: 0.5 },
  })),
};

describe('conversations and prompt caches in the simulator', () => {
  it('bills warm turns at the cached rates: sticky routing pays less and charges less than scattering', () => {
    const { report } = simulate(parseScenario(chats), { strategies: ['round-robin', 'openrouter-sticky'] });
    const [scattered, sticky] = report.strategies;
    expect(sticky!.warm_turn_rate!).toBeGreaterThan(0.95);
    expect(scattered!.warm_turn_rate!).toBeLessThan(0.5);
    expect(sticky!.cost_usd).toBeLessThan(0.75 * scattered!.cost_usd);
    expect(sticky!.revenue_usd).toBeLessThan(scattered!.revenue_usd); // the caller's cached price
    expect(sticky!.ttft_p50_ms!).toBeLessThan(scattered!.ttft_p50_ms!); // cached TTFT
  });

  it('has no warm turns when no channel caches', () => {
    const uncached = parseScenario({ ...chats, channels: chats.channels.map(({ cache: _cache, ...channel }) => channel) });
    const { report } = simulate(uncached, { strategies: ['openrouter-sticky'] });
    expect(report.strategies[0]!.warm_turn_rate).toBe(0);
  });

  it('expires a cached prefix after its lifetime and refreshes it on use', () => {
    const cache = new PromptCache({ ttl_s: 10, ttft_factor: 0.5, hit_rate: 1 });
    cache.write('c', 1000, 0);
    expect(cache.warmTokens('c', 9_000)).toBe(1000);
    cache.write('c', 1500, 9_000);
    expect(cache.read('c', 1200, 18_000, () => 0)).toBe(1200);
    expect(cache.warmTokens('c', 19_001)).toBe(0);
    expect(cache.ttftFactor(500, 1000)).toBe(0.75);
  });

  it("tells other isolates about a conversation only after the shared memory's delay", () => {
    const queue = new EventQueue();
    const memory = new ConversationMemory(2, (at, run) => queue.push(at, run));
    const turn: Turn = { conversation: 'c', index: 1, offset_ms: 0, isolate: 1, input_tokens: 10, output_tokens: 1, prefix_tokens: 5 };
    memory.served(0, 'c', 'a', 1000);
    expect(memory.context(0, turn).last_channel_id).toBe('a');
    expect(memory.context(1, turn).last_channel_id).toBeNull();
    const event = queue.pop()!;
    expect(event.at).toBe(1000 + SHARED_MEMORY_DELAY_MS);
    event.run();
    expect(memory.context(1, turn)).toMatchObject({ last_channel_id: 'a', last_served_at: 1000, prefix_tokens: 5, turn: 2 });
  });
});

describe('hedging in the simulator', () => {
  const tail: ScenarioInput = {
    name: 'tail',
    seed: 3,
    duration_s: 120,
    isolates: 2,
    push_interval_s: 5,
    models: [{ id: 'm', price: { input_per_mtok: 1, output_per_mtok: 3 } }],
    workload: { rps: 30, model: 'm', input_tokens: { mean: 800, sd: 100 }, output_tokens: { mean: 100, sd: 30 } },
    channels: ['a', 'b'].map((id) => ({
      id,
      models: [{ model: 'm', cost: { input_per_mtok: 0.5, output_per_mtok: 1.5 } }],
      behaviour: { ttft_ms: 300, ttft_jitter_ms: 60, tokens_per_s: 80, ttft_tail_rate: 0.04, ttft_tail_ms: 2000 },
    })),
  };

  it('hedges within its budget, costs the cancelled attempts and cuts the tail', () => {
    const { report } = simulate(parseScenario(tail), { strategies: ['switchboard:performance', 'switchboard:performance-unhedged'] });
    const [hedged, unhedged] = report.strategies;
    expect(hedged!.hedge_rate).toBeGreaterThan(0.02);
    expect(hedged!.hedge_rate).toBeLessThanOrEqual(0.1);
    expect(hedged!.hedge_cost_usd).toBeGreaterThan(0);
    expect(unhedged!.hedge_rate).toBe(0);
    expect(hedged!.ttft_p99_ms!).toBeLessThan(unhedged!.ttft_p99_ms!);
    expect(hedged!.success_rate).toBe(1);
  });
});
