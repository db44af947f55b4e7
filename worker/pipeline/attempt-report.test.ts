// logRecordOf, chargeOf and liveOutcomeOf are pure: a table of reports in, the log record,
// the caller's charge and the live signal's outcome out.
import { describe, expect, it } from 'vitest';
import type { Candidate, LogRecord, Usage } from '../core/types';
import { usageOf } from '../core/metering';
import type { InboundRequest } from '../protocols/types';
import { chargeOf, failedReport, liveOutcomeOf, logRecordOf, meter, type AttemptReport, type LogContext } from './attempt-report';

const candidate: Candidate = {
  channel_id: 'acme-east',
  dialect: 'anthropic',
  base_url: 'https://acme.example',
  model: 'claude-x',
  upstream_model: 'claude-x-2025',
  // Per million tokens: we pay 1 / 4 / 0.1 / 1.25 / 2 and charge 3 / 15 / 0.3 / 3.75 / 6.
  cost: { input_per_mtok: 1, output_per_mtok: 4, cached_input_per_mtok: 0.1, cache_write_per_mtok: 1.25, cache_write_1h_per_mtok: 2 },
  price: { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3, cache_write_per_mtok: 3.75, cache_write_1h_per_mtok: 6 },
  priority: 0,
  weight: 1,
  max_concurrency: null,
  capabilities: [],
  context_length: null,
};

const context: LogContext = {
  request_id: 'req-1',
  auth: { key_id: 'key-1', user_id: 'user-1', group_id: 'default' },
  client_protocol: 'openai',
  stream: true,
};

function report(fields: Partial<AttemptReport>): AttemptReport {
  return {
    candidate,
    attempt: 2,
    started_at: 1_000,
    ended_at: 1_750,
    status: 200,
    error_class: 'none',
    error_message: '',
    ttft_ms: 120,
    usage: usageOf({ input_tokens: 1_000_000, output_tokens: 100_000 }),
    usage_estimated: false,
    final: true,
    after_first_byte: true,
    ...fields,
  };
}

const usage = (counts: Partial<Usage>) => usageOf(counts);

const cases: { name: string; report: AttemptReport; record: Partial<LogRecord>; live: ReturnType<typeof liveOutcomeOf> }[] = [
  {
    name: 'success: priced and costed from the reported usage',
    report: report({}),
    record: { status: 200, error_class: 'none', error_message: '', ttft_ms: 120, duration_ms: 750, input_tokens: 1_000_000, output_tokens: 100_000, usage_estimated: false, cost_usd: 1.4, price_usd: 4.5, final: true },
    live: { ok: true, after_first_byte: true },
  },
  {
    name: 'failure before any answer: nothing generated, nothing charged, retried (not final)',
    report: failedReport({ candidate, attempt: 1, started_at: 1_000, ended_at: 1_030, status: 503, error_class: 'server', error_message: 'overloaded' }),
    record: { attempt: 1, status: 503, error_class: 'server', error_message: 'overloaded', ttft_ms: null, duration_ms: 30, input_tokens: 0, output_tokens: 0, cost_usd: 0, price_usd: 0, final: false },
    live: { ok: false, error_class: 'server' },
  },
  {
    name: 'a client error is final: it goes back to the caller as it is',
    report: failedReport({ candidate, attempt: 1, started_at: 1_000, ended_at: 1_010, status: 400, error_class: 'client', error_message: 'bad tool schema' }),
    record: { status: 400, error_class: 'client', final: true, price_usd: 0 },
    live: { ok: false, error_class: 'client' },
  },
  {
    name: 'no response at all: status 0',
    report: failedReport({ candidate, attempt: 3, started_at: 1_000, ended_at: 1_000, status: 0, error_class: 'connection', error_message: 'Could not connect to the upstream.' }),
    record: { attempt: 3, status: 0, error_class: 'connection', duration_ms: 0 },
    live: { ok: false, error_class: 'connection' },
  },
  {
    name: 'client cancelled a stream: charged for what was generated, the channel not blamed',
    report: report({ error_class: 'cancelled', usage: usage({ input_tokens: 1_000_000, output_tokens: 20_000 }) }),
    record: { error_class: 'cancelled', output_tokens: 20_000, cost_usd: 1.08, price_usd: 3.3 },
    live: { ok: false, error_class: 'cancelled', after_first_byte: true },
  },
  {
    name: 'a stream broken mid-way: costed (the channel charges us) but not charged',
    report: report({ error_class: 'mid_stream', error_message: 'The upstream connection broke mid-stream.' }),
    record: { error_class: 'mid_stream', cost_usd: 1.4, price_usd: 0 },
    live: { ok: false, error_class: 'mid_stream', after_first_byte: true },
  },
  {
    name: 'estimated usage is flagged',
    report: report({ usage_estimated: true, usage: usage({ input_tokens: 12, output_tokens: 3 }) }),
    record: { usage_estimated: true, input_tokens: 12, output_tokens: 3 },
    live: { ok: true, after_first_byte: true },
  },
  {
    name: 'cache reads and 5-minute and 1-hour cache writes each at their own rate',
    report: report({
      after_first_byte: false,
      usage: usage({ input_tokens: 4_000_000, cached_input_tokens: 1_000_000, cache_write_tokens: 1_000_000, cache_write_1h_tokens: 1_000_000, output_tokens: 0, reasoning_tokens: 0 }),
    }),
    // cost 1 + 0.1 + 1.25 + 2 = 4.35; price 3 + 0.3 + 3.75 + 6 = 13.05
    record: { cached_input_tokens: 1_000_000, cache_write_tokens: 1_000_000, cache_write_1h_tokens: 1_000_000, cost_usd: 4.35, price_usd: 13.05 },
    live: { ok: true },
  },
];

describe('logRecordOf', () => {
  it.each(cases)('$name', ({ report: given, record, live }) => {
    const logged = logRecordOf(given, context);
    const { cost_usd, price_usd, ...exact } = record;
    expect(logged).toMatchObject(exact);
    if (cost_usd !== undefined) expect(logged.cost_usd).toBeCloseTo(cost_usd, 9);
    if (price_usd !== undefined) expect(logged.price_usd).toBeCloseTo(price_usd, 9);
    expect(logged.price_usd).toBe(chargeOf(given));
    expect(liveOutcomeOf(given)).toEqual(live);
  });

  it('carries the request, the caller and the channel on every record', () => {
    expect(logRecordOf(report({}), context)).toMatchObject({
      request_id: 'req-1',
      key_id: 'key-1',
      user_id: 'user-1',
      group_id: 'default',
      model: 'claude-x',
      channel_id: 'acme-east',
      upstream_model: 'claude-x-2025',
      client_protocol: 'openai',
      dialect: 'anthropic',
      stream: true,
      ts_start: 1_000,
      ts_end: 1_750,
    });
  });

  it('keeps at most 300 characters of an error message', () => {
    const logged = logRecordOf(report({ error_class: 'server', error_message: 'x'.repeat(1_000) }), context);
    expect(logged.error_message).toHaveLength(300);
  });
});

describe('meter', () => {
  const inbound = { input_tokens_estimate: 42 } as Pick<InboundRequest, 'input_tokens_estimate'> as InboundRequest;

  it('uses the reported usage when there is one', () => {
    const reported = usage({ input_tokens: 7, output_tokens: 9 });
    expect(meter(reported, inbound, 4_000)).toEqual({ usage: reported, estimated: false });
  });

  it('without usage: the input estimate and about four characters a generated token', () => {
    expect(meter(null, inbound, 401)).toEqual({ usage: usage({ input_tokens: 42, output_tokens: 101 }), estimated: true });
    expect(meter(null, inbound, 0)).toEqual({ usage: usage({ input_tokens: 42, output_tokens: 0 }), estimated: true });
  });
});

describe('logRecordOf: the router decision', () => {
  const decision = {
    mode: 'balanced',
    rule: 'sample' as const,
    temperature: 0.03,
    exploration: 0,
    weights: { margin: 0.3, ttft: 0.3, throughput: 0.15, reliability: 0.25 },
    score_version: 7,
    total_candidates: 1,
    candidates: [{ channel_id: 'acme-east', model: 'claude-x', utility: 0.9, probability: 1 }],
    plan: ['acme-east'],
    reason: 'only candidate',
  };

  it('rides on the first attempt only', () => {
    expect(logRecordOf(report({ attempt: 1 }), { ...context, decision }).decision).toEqual(decision);
    expect(logRecordOf(report({ attempt: 2 }), { ...context, decision })).not.toHaveProperty('decision');
  });

  it('is absent when the request was not planned with one', () => {
    expect(logRecordOf(report({ attempt: 1 }), context)).not.toHaveProperty('decision');
  });
});
