// The reconstruction of a replay from a small synthetic log (pure): requests as they arrived,
// channel behaviour in buckets with gaps carried, fitted rates, down periods, the window.
import { describe, expect, it } from 'vitest';
import type { ReplayAttemptRow, ScoreHistoryRow } from '../../../analytics-node/replay/replay-queries';
import { reconstruct } from './reconstruct';
import { parseReplayWindow } from './replay-window';
import { fitTokenRates } from './token-rates';

const FROM = 1_800_000_000_000;

function row(overrides: Partial<ReplayAttemptRow>): ReplayAttemptRow {
  const ts_start = overrides.ts_start ?? FROM;
  return {
    request_id: 'r', attempt: 1, ts_start, ts_end: ts_start + 1000, model: 'm', channel_id: 'a', dialect: 'openai', stream: true,
    status: 200, error_class: 'none', ttft_ms: 200, duration_ms: 1000, input_tokens: 100, output_tokens: 80, cached_input_tokens: 0,
    cost_usd: 0, price_usd: 0, final: true, conversation: null, cache_state: null, hedge: null, ...overrides,
  };
}

describe('reconstruct', () => {
  it('keeps requests as they arrived: first attempts, tokens, conversation prefixes, client errors, the logged outcome', () => {
    const rows = [
      row({ request_id: 'r1', ts_start: FROM + 1000, conversation: 'c1', input_tokens: 500, output_tokens: 40, ttft_ms: 300, cost_usd: 0.01, price_usd: 0.02 }),
      row({ request_id: 'r2', ts_start: FROM + 2000, channel_id: 'b', error_class: 'server', status: 500, ttft_ms: null, output_tokens: 0, final: false }),
      row({ request_id: 'r2', attempt: 2, ts_start: FROM + 2200, ts_end: FROM + 3200, ttft_ms: 100, output_tokens: 60, cost_usd: 0.01, price_usd: 0.02 }),
      row({ request_id: 'r3', ts_start: FROM + 5000, conversation: 'c1', input_tokens: 900 }),
      row({ request_id: 'r4', ts_start: FROM + 6000, error_class: 'client', status: 400, ttft_ms: null, output_tokens: 0 }),
      // A retry whose first attempt began before the window is not a request of the window.
      row({ request_id: 'r0', attempt: 2, ts_start: FROM + 100 }),
    ];
    const model = reconstruct(rows, [], { from: FROM, to: FROM + 60_000 });
    expect(model.requests.map((request) => request.request_id)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(model.requests.map((request) => request.arrival_ms)).toEqual([1000, 2000, 5000, 6000]);
    expect(model.requests[1]!.output_tokens).toBe(60);
    expect(model.requests[2]!.prefix_tokens).toBe(500);
    expect(model.requests[0]!.prefix_tokens).toBe(0);
    expect(model.requests.map((request) => request.client_error)).toEqual([false, false, false, true]);
    expect(model.logged.successes).toBe(3);
    expect(model.logged.attempts).toBe(5);
    // r2's TTFT is the client's: from its first attempt to the second attempt's first token.
    expect(model.logged.ttft_ms).toEqual([300, 300, 200]);
    expect(model.logged.cost_usd).toBeCloseTo(0.02, 9);
    expect(model.logged.first_channels).toEqual(['a', 'b', 'a', 'a']);
  });

  it('rebuilds behaviour per 10 s bucket, carries it over untried buckets, finds capacity and down periods', () => {
    const rows: ReplayAttemptRow[] = [];
    for (let index = 0; index < 10; index++) rows.push(row({ request_id: `a${index}`, ts_start: FROM + index * 500, ttft_ms: 150, duration_ms: 1150, output_tokens: 100 }));
    // Bucket 1 (10–20 s): untried. Bucket 2 (20–30 s): refused connections only.
    for (let index = 0; index < 4; index++) rows.push(row({ request_id: `d${index}`, ts_start: FROM + 20_000 + index * 1000, error_class: 'connection', status: 0, ttft_ms: null, duration_ms: 20, output_tokens: 0 }));
    // Bucket 3: back, but over capacity: 3 accepted, 2 answered 429.
    for (let index = 0; index < 5; index++) {
      const limited = index >= 3;
      rows.push(row({ request_id: `l${index}`, ts_start: FROM + 30_000 + index * 100, error_class: limited ? 'rate_limit' : 'none', status: limited ? 429 : 200, ttft_ms: limited ? null : 400 }));
    }
    const model = reconstruct(rows, [], { from: FROM, to: FROM + 50_000 });
    const channel = model.channels.find((entry) => entry.channel_id === 'a')!;
    expect(channel.buckets).toHaveLength(5);
    expect(channel.buckets[0]!.ttft_samples).toEqual(Array(10).fill(150));
    expect(channel.buckets[0]!.tokens_per_s_samples[0]).toBeCloseTo(100, 6);
    expect(channel.buckets[1]!.observed).toBe(0);
    expect(channel.buckets[1]!.ttft_samples).toEqual(channel.buckets[0]!.ttft_samples);
    expect(channel.buckets[2]!.failure_share.connection).toBe(1);
    expect(channel.buckets[2]!.failure_ms.connection).toBe(20);
    // A bucket of failures only answers, when it does, as the channel last did.
    expect(channel.buckets[2]!.ttft_samples).toEqual(channel.buckets[0]!.ttft_samples);
    expect(channel.buckets[3]!.rate_limit_rps).toBeCloseTo(0.3, 9);
    expect(channel.buckets[3]!.failure_share.rate_limit).toBe(0);
    expect(channel.buckets[4]).toMatchObject({ observed: 0, rate_limit_rps: channel.buckets[3]!.rate_limit_rps });
    expect(model.down_periods).toEqual([{ channel_id: 'a', start_s: 20, end_s: 30 }]);
  });

  it('fits cost and price rates from logged money, and seeds the score table held at the window start', () => {
    const rows: ReplayAttemptRow[] = [];
    const cost = (input: number, cached: number, output: number) => ((input - cached) * 0.5 + cached * 0.1 + output * 2) * 1e-6;
    [[100, 50], [400, 20], [50, 300], [900, 10]].forEach(([input, output], index) => {
      rows.push(row({ request_id: `r${index}`, ts_start: FROM + index, input_tokens: input!, output_tokens: output!, cost_usd: cost(input!, 0, output!), price_usd: (input! + output!) * 3e-6 }));
    });
    rows.push(row({ request_id: 'cached', ts_start: FROM + 10, input_tokens: 1000, cached_input_tokens: 800, output_tokens: 50, cost_usd: cost(1000, 800, 50) }));
    const history: ScoreHistoryRow[] = [FROM - 10_000, FROM - 5_000, FROM + 5_000].map((at, version) => ({
      version, computed_at: at, channel_id: 'a', model: 'm', success_p: 0.9 + version / 100, ttft_p50_ms: 100, ttft_p95_ms: 200, tokens_per_s: 50,
      error_rate_limit: 0, error_server: 0, error_timeout: 0, error_connection: 0, samples: 10, last_ts: at, down: false,
    }));
    const model = reconstruct(rows, history, { from: FROM, to: FROM + 20_000 });
    expect(model.channels[0]!.cost).toEqual({ input_per_mtok: 0.5, output_per_mtok: 2, cached_input_per_mtok: 0.1 });
    expect(model.prices.get('m')!.input_per_mtok).toBeCloseTo(3, 6);
    expect(model.initial_scores.map((score) => score.success_p)).toEqual([0.91]);
    expect(model.score_versions).toBe(1);
  });

  it('blends the rates when tokens cannot separate them, and has none without money', () => {
    const collinear = [1, 2, 3].map((scale) => ({ uncached_input: 100 * scale, cached_input: 0, output: 50 * scale, amount_usd: 150 * scale * 1e-6 }));
    expect(fitTokenRates(collinear)).toEqual({ input_per_mtok: 1, output_per_mtok: 1 });
    expect(fitTokenRates([{ uncached_input: 10, cached_input: 0, output: 0, amount_usd: 0 }])).toBeNull();
  });
});

describe('parseReplayWindow', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it('reads epoch ms, ISO times and last:N', () => {
    expect(parseReplayWindow('1000..2000', now)).toEqual({ ok: true, value: { from: 1000, to: 2000 } });
    expect(parseReplayWindow('2026-03-01T10:00Z..2026-03-01T10:15Z', now)).toEqual({ ok: true, value: { from: Date.parse('2026-03-01T10:00Z'), to: Date.parse('2026-03-01T10:15Z') } });
    expect(parseReplayWindow('last:15m', now)).toEqual({ ok: true, value: { from: now - 900_000, to: now } });
  });
  it.each(['', 'yesterday', '1000', '2000..1000', 'March..April', '1..2..3', 'last:15x', '0..999999999999'])('refuses %j with a clear error', (text) => {
    const result = parseReplayWindow(text, now);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/--replay/);
  });
});
