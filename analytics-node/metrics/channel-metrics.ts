// Per channel × model counters, updated in memory from the records this node stored (never
// from duplicates, never by scanning the log), so a scrape costs only the rendering and
// several nodes behind one store can be summed by Prometheus.
import type { LogRecord } from '../../worker/core/types';
import { ExpositionWriter } from './exposition';
import { DURATION_BUCKETS_S, HistogramSeries, TTFT_BUCKETS_S } from './histogram-series';

/** Past this many channel × model pairs, further pairs share one overflow series (bounded memory and scrape size). */
export const MAX_CHANNEL_SERIES = 5_000;
export const OVERFLOW_LABEL = '(overflow)';

const TOKEN_KINDS = ['input', 'output', 'cached_input', 'cache_write', 'cache_write_1h', 'reasoning'] as const;
type TokenKind = (typeof TOKEN_KINDS)[number];

interface ChannelSeries {
  channel: string;
  model: string;
  /** `${status_class}\n${error_class}` → attempts. */
  attempts: Map<string, number>;
  /** The same for final attempts: one per request that an upstream answered. */
  requests: Map<string, number>;
  hedged: { primary: number; hedge: number };
  ttft: HistogramSeries;
  duration: HistogramSeries;
  tokens: Record<TokenKind, number>;
  costUsd: number;
  priceUsd: number;
}

/** `2xx` … `5xx` from the upstream's HTTP status; `none` when no response arrived. */
export function statusClassOf(status: number): string {
  return status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : 'none';
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export class ChannelMetrics {
  readonly #series = new Map<string, ChannelSeries>();

  record(record: LogRecord): void {
    const series = this.#seriesOf(record.channel_id, record.model);
    const outcome = `${statusClassOf(record.status)}\n${record.error_class}`;
    increment(series.attempts, outcome);
    if (record.final) increment(series.requests, outcome);
    if (record.hedge === 'primary' || record.hedge === 'hedge') series.hedged[record.hedge] += 1;
    if (record.ttft_ms !== null) series.ttft.observe(record.ttft_ms / 1000);
    series.duration.observe(record.duration_ms / 1000);
    series.tokens.input += record.input_tokens;
    series.tokens.output += record.output_tokens;
    series.tokens.cached_input += record.cached_input_tokens;
    series.tokens.cache_write += record.cache_write_tokens ?? 0;
    series.tokens.cache_write_1h += record.cache_write_1h_tokens ?? 0;
    series.tokens.reasoning += record.reasoning_tokens;
    series.costUsd += record.cost_usd;
    series.priceUsd += record.price_usd;
  }

  #seriesOf(channel: string, model: string): ChannelSeries {
    const key = `${channel}\u0000${model}`;
    const found = this.#series.get(key);
    if (found) return found;
    if (this.#series.size >= MAX_CHANNEL_SERIES) return this.#seriesOf(OVERFLOW_LABEL, OVERFLOW_LABEL);
    const created: ChannelSeries = {
      channel,
      model,
      attempts: new Map(),
      requests: new Map(),
      hedged: { primary: 0, hedge: 0 },
      ttft: new HistogramSeries(TTFT_BUCKETS_S),
      duration: new HistogramSeries(DURATION_BUCKETS_S),
      tokens: { input: 0, output: 0, cached_input: 0, cache_write: 0, cache_write_1h: 0, reasoning: 0 },
      costUsd: 0,
      priceUsd: 0,
    };
    this.#series.set(key, created);
    return created;
  }

  write(writer: ExpositionWriter): void {
    const all = [...this.#series.values()].sort((a, b) =>
      a.channel === b.channel ? (a.model < b.model ? -1 : 1) : a.channel < b.channel ? -1 : 1,
    );
    const labelsOf = (series: ChannelSeries) => ({ channel: series.channel, model: series.model });
    const outcomes = (name: string, help: string, pick: (series: ChannelSeries) => Map<string, number>) => {
      writer.family(name, 'counter', help);
      for (const series of all) {
        for (const [outcome, value] of [...pick(series)].sort()) {
          const [status_class, error_class] = outcome.split('\n') as [string, string];
          writer.sample(name, { ...labelsOf(series), status_class, error_class }, value);
        }
      }
    };

    outcomes('switchboard_requests_total', 'Requests an upstream answered (final attempts), by the answering channel, status class and error class.', (series) => series.requests);
    outcomes('switchboard_attempts_total', 'Upstream attempts stored by this node, by status class and error class.', (series) => series.attempts);

    writer.family('switchboard_hedged_attempts_total', 'counter', 'Attempts that took part in a hedge: role primary (the hedged attempt) or hedge (the extra one).');
    for (const series of all) {
      for (const role of ['primary', 'hedge'] as const) {
        if (series.hedged[role] > 0) writer.sample('switchboard_hedged_attempts_total', { ...labelsOf(series), role }, series.hedged[role]);
      }
    }

    writer.family('switchboard_ttft_seconds', 'histogram', 'Time to first token of attempts that produced one, seconds.');
    for (const series of all) if (series.ttft.count > 0) series.ttft.write(writer, 'switchboard_ttft_seconds', labelsOf(series));
    writer.family('switchboard_attempt_duration_seconds', 'histogram', 'Duration of every attempt, seconds.');
    for (const series of all) series.duration.write(writer, 'switchboard_attempt_duration_seconds', labelsOf(series));

    writer.family('switchboard_tokens_total', 'counter', 'Tokens by kind; input counts every input token, cached_input and cache_write* are subsets of it, reasoning a subset of output.');
    for (const series of all) {
      for (const kind of TOKEN_KINDS) writer.sample('switchboard_tokens_total', { ...labelsOf(series), kind }, series.tokens[kind]);
    }
    writer.family('switchboard_cost_usd_total', 'counter', 'What the channels charge us, USD.');
    for (const series of all) writer.sample('switchboard_cost_usd_total', labelsOf(series), series.costUsd);
    writer.family('switchboard_price_usd_total', 'counter', 'What callers were charged (spend), USD.');
    for (const series of all) writer.sample('switchboard_price_usd_total', labelsOf(series), series.priceUsd);
  }
}
