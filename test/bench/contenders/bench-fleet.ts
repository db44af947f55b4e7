// Simulator providers and the Switchboard config the benchmarks use, next to the zero fleet.
import type { ProviderSpec } from '../../simulator/server';

/** Held streams: one chunk every 500 ms, 20 chunks = 10 s; and its zero-delay twin for reference text. */
export const BENCH_PROVIDERS: ProviderSpec[] = [
  { name: 'slow-openai', dialect: 'openai', ttft_ms: 0, tokens_per_s: 2, output_tokens: 20 },
  { name: 'ref-openai', dialect: 'openai', ttft_ms: 0, tokens_per_s: 0, output_tokens: 20 },
];

export const BENCH_KEY = 'sk-bench-0001';
export const ADMIN_KEY = 'sb-bench-admin';
export const INTERNAL_SECRET = 'sb-bench-internal';

/** A Switchboard config whose channels point at the simulator at simUrl. */
export function benchConfig(simUrl: string) {
  const cost = { input_per_mtok: 0.1, output_per_mtok: 0.2 };
  const price = { input_per_mtok: 1, output_per_mtok: 2 };
  return {
    models: [
      { id: 'bench-zero', price },
      { id: 'bench-slow', price },
    ],
    channels: [
      { id: 'ch-zero', type: 'openai', base_url: `${simUrl}/zero-openai`, api_key: 'sk-upstream-zero', models: [{ model: 'bench-zero', cost }] },
      { id: 'ch-slow', type: 'openai', base_url: `${simUrl}/slow-openai`, api_key: 'sk-upstream-slow', models: [{ model: 'bench-slow', cost }] },
    ],
    groups: [{ id: 'default', price_multiplier: 1 }],
    users: [{ id: 'bench', group: 'default', balance_usd: 1e9 }],
    keys: [{ user: 'bench', name: 'bench', key: BENCH_KEY, models: ['*'] }],
    routing: { mode: 'balanced', max_attempts: 3 },
  };
}
