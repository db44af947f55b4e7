// A replay reproduces each channel's logged behaviour: strategies that avoid the logged
// failures do better than those that do not, and every strategy sees the logged requests.
import { describe, expect, it } from 'vitest';
import type { ReplayAttemptRow } from '../../../analytics-node/replay/replay-queries';
import type { LogRecord } from '../../../worker/core/types';
import { STRATEGIES } from '../strategies/index';
import { reconstruct } from './reconstruct';
import { replayStrategy } from './replay-engine';
import { LOGGED_ROW, replayReport } from './replay-report';
import { generatedTraffic } from './replay-fixtures';

const FROM = 1_800_000_000_000;

function rowsOf(records: readonly LogRecord[]): ReplayAttemptRow[] {
  return records.map((record) => ({
    request_id: record.request_id, attempt: record.attempt, ts_start: record.ts_start, ts_end: record.ts_end, model: record.model, channel_id: record.channel_id,
    dialect: record.dialect, stream: record.stream, status: record.status, error_class: record.error_class, ttft_ms: record.ttft_ms, duration_ms: record.duration_ms,
    input_tokens: record.input_tokens, output_tokens: record.output_tokens, cached_input_tokens: record.cached_input_tokens, cost_usd: record.cost_usd,
    price_usd: record.price_usd, final: record.final, conversation: record.conversation ?? null, cache_state: record.cache_state ?? null, hedge: record.hedge ?? null,
  }));
}

describe('replayStrategy', () => {
  const model = reconstruct(rowsOf(generatedTraffic(FROM, 120_000, 600)), [], { from: FROM, to: FROM + 120_000 });
  const report = replayReport(model, STRATEGIES.map((strategy) => replayStrategy(model, strategy)));
  const row = (name: string) => report.strategies.find((entry) => entry.name === name)!;

  it('replays every logged request under every strategy, after the logged row', () => {
    expect(report.strategies.map((entry) => entry.name)).toEqual([LOGGED_ROW, ...STRATEGIES.map((strategy) => strategy.name)]);
    for (const entry of report.strategies) expect(entry.requests).toBe(600);
    expect(row(LOGGED_ROW).success_rate).toBe(1);
  });

  it("draws each channel's logged behaviour: round-robin keeps retrying the flaky channel, the router leaves it", () => {
    // The log spread first attempts evenly and the flaky channel failed two in three of them.
    expect(row('round-robin').attempts_per_request).toBeGreaterThan(1.04);
    expect(row('switchboard:balanced').attempts_per_request).toBeLessThan(row('round-robin').attempts_per_request);
    // TTFTs come from the log: nothing faster than the fastest channel's fastest answer.
    expect(row('lowest-latency').ttft_p50_ms!).toBeGreaterThanOrEqual(160);
    expect(row('lowest-latency').ttft_p50_ms!).toBeLessThan(row('round-robin').ttft_p50_ms!);
    // Cost rates are the log's: cheapest pays the least per success.
    expect(row('cheapest').cost_usd / row('cheapest').requests).toBeLessThan(row('round-robin').cost_usd / row('round-robin').requests);
  });

  it('replays a log without failures without failures', () => {
    const calm = generatedTraffic(FROM, 60_000, 200).map((record) => ({ ...record, channel_id: record.channel_id === 'flaky' ? 'steady' : record.channel_id }));
    const clean = calm.filter((record) => record.error_class === 'none').map((record) => ({ ...record, attempt: 1, final: true }));
    const quiet = reconstruct(rowsOf(clean), [], { from: FROM, to: FROM + 60_000 });
    const run = replayStrategy(quiet, STRATEGIES.find((strategy) => strategy.name === 'round-robin')!);
    expect(run.attempts).toBe(run.requests);
    expect(run.successes).toBe(200);
  });

  it('is repeatable', () => {
    const again = replayStrategy(model, STRATEGIES[0]!);
    const first = replayStrategy(model, STRATEGIES[0]!);
    expect(again.ttft_ms).toEqual(first.ttft_ms);
  });
});
