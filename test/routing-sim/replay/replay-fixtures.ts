// Generated logged traffic for the replay tests: requests over a window, first attempts
// spread over channels the way a router would have, with each channel's own behaviour.
import type { LogRecord } from '../../../worker/core/types';
import { makeRecord } from '../../../analytics-node/test-support';
import { seededRandom } from '../../../worker/core/routing/random';

export interface FixtureChannel {
  id: string;
  ttft_ms: number;
  /** Share of attempts that fail with a 5xx (retried on the next channel). */
  error_rate: number;
  cost_input_per_mtok: number;
  cost_output_per_mtok: number;
}

export const FIXTURE_CHANNELS: FixtureChannel[] = [
  { id: 'cheap-fast', ttft_ms: 200, error_rate: 0, cost_input_per_mtok: 0.1, cost_output_per_mtok: 0.4 },
  { id: 'pricey-slow', ttft_ms: 900, error_rate: 0, cost_input_per_mtok: 0.3, cost_output_per_mtok: 1.2 },
  { id: 'flaky', ttft_ms: 300, error_rate: 0.6, cost_input_per_mtok: 0.05, cost_output_per_mtok: 0.2 },
];

const PRICE = { input: 0.5, output: 2 };

/** `count` requests over [from, from + spanMs), round-robin over `channels`, retried on the next. */
export function generatedTraffic(from: number, spanMs: number, count: number, channels: readonly FixtureChannel[] = FIXTURE_CHANNELS): LogRecord[] {
  const random = seededRandom(7);
  const records: LogRecord[] = [];
  for (let index = 0; index < count; index++) {
    const arrival = from + Math.floor((index * spanMs) / count);
    const input = 200 + Math.floor(random() * 800);
    const output = 20 + Math.floor(random() * 200);
    let start = arrival;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const channel = channels[(index + attempt - 1) % channels.length]!;
      const failed = attempt < 3 && random() < channel.error_rate;
      const ttft = Math.round(channel.ttft_ms * (0.8 + 0.4 * random()));
      const duration = failed ? 150 : ttft + output * 20;
      records.push(makeRecord({
        request_id: `req-${index}`, attempt, ts_start: start, ts_end: start + duration, channel_id: channel.id, upstream_model: 'gpt-4o-mini',
        status: failed ? 500 : 200, error_class: failed ? 'server' : 'none', error_message: failed ? 'upstream 500' : '',
        ttft_ms: failed ? null : ttft, duration_ms: duration, input_tokens: input, output_tokens: failed ? 0 : output,
        cost_usd: failed ? 0 : (input * channel.cost_input_per_mtok + output * channel.cost_output_per_mtok) * 1e-6,
        price_usd: failed ? 0 : (input * PRICE.input + output * PRICE.output) * 1e-6, final: !failed,
      }));
      if (!failed) break;
      start += duration + 5;
    }
  }
  return records;
}
