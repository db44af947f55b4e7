// One request's walk down its attempt plan: each channel in turn until one answers, a client
// error ends the walk, or the plan runs out. Retries happen only before the first byte (a
// stream is handed to the client at its first token). Every attempt is logged from its
// report; the admission's reservation is settled exactly once, with what the answer cost.
// The first attempt may be hedged (hedging.ts): the plan's next channel starts beside it
// when it is slow to its first token, and only the winner is answered and charged. A
// successful attempt of a conversation is remembered (the lease book's affinity memory).
import type { Context } from 'hono';
import type { Candidate, Usage } from '../core/types';
import type { AppEnv } from '../env';
import type { GatewayError } from '../errors';
import type { InboundRequest, UpstreamFailure } from '../protocols/types';
import type { Catalog } from '../catalog/catalog';
import { buildUpstreamRequest, streamContentType } from '../protocols';
import { shipRecord } from '../logs/shipper';
import { chargeOf, logRecordOf, type AttemptReport, type LogContext } from './attempt-report';
import { runAttempt, type AttemptContext } from './attempt';
import { hedgeBudget, runHedged, type AttemptLeg } from './hedging';
import { usageCost } from '../core/metering';
import { resolveCredential } from './credential';
import { exhaustedError, failureError } from './failure';
import type { PreparedRequest } from './prepare';
import { errorResponse } from './respond';

const NO_TOKENS = { input_tokens: 0, output_tokens: 0 };

export async function walkAttempts(
  c: Context<AppEnv>,
  inbound: InboundRequest,
  catalog: Catalog,
  prepared: PreparedRequest,
): Promise<Response> {
  const state = c.get('state');
  const { admission } = prepared;
  const waitUntil = (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise);
  const logContext: LogContext = {
    request_id: c.get('request_id'),
    auth: c.get('auth'),
    client_protocol: inbound.protocol,
    stream: inbound.stream,
    decision: prepared.decision,
    conversation: prepared.conversation,
  };
  const record = (report: AttemptReport) => shipRecord(state.shipper, c.env, logRecordOf(report, logContext), waitUntil);
  const settle = (report: AttemptReport) => admission.settle(chargeOf(report), tokensOf(report.usage));
  const context: AttemptContext = {
    inbound,
    request_id: logContext.request_id,
    received_at: c.get('received_at'),
    timings: { ttftMs: state.settings.ttftTimeoutMs, idleMs: state.settings.idleTimeoutMs },
    live: state.live,
  };

  let attempt = 0;
  let last: UpstreamFailure | null = null;
  let lastSkip: GatewayError | null = null;
  const headersOf = (candidate?: Candidate): Record<string, string> => ({
    ...(candidate ? { 'x-switchboard-channel': candidate.channel_id, 'x-switchboard-model': candidate.model } : {}),
    'x-switchboard-attempts': String(attempt),
    ...prepared.headers,
  });
  const fail = (error: GatewayError) => {
    hedgeBudget.recordRequest(0);
    return errorResponse(c, inbound.protocol, error, headersOf());
  };
  // What the conversation's next turn should know: this channel's cache now holds its prefix.
  const remember = (report: AttemptReport) => {
    if (prepared.conversation === null || report.error_class !== 'none') return;
    state.leases.conversations.served(logContext.auth.user_id, { key: prepared.conversation.key, channel_id: report.candidate.channel_id, served_at: report.ended_at });
  };
  const finish = (report: AttemptReport) => {
    record(report);
    remember(report);
    hedgeBudget.recordRequest(usageCost(report.usage, report.candidate.cost));
    return settle(report);
  };

  // The plan's next channel that can express this request (one this dialect cannot is not an attempt).
  let next = 0;
  const nextLeg = async (): Promise<AttemptLeg | null> => {
    while (next < prepared.attempts.length) {
      const candidate = prepared.attempts[next++]!;
      const upstream = buildUpstreamRequest(inbound, {
        dialect: candidate.dialect,
        base_url: candidate.base_url,
        upstream_model: candidate.upstream_model,
        api_key: await resolveCredential(catalog.channels.get(candidate.channel_id), c.env),
      });
      if (upstream.ok) return { candidate, attempt: ++attempt, upstream: upstream.value };
      lastSkip = upstream.error;
    }
    return null;
  };

  // A failed attempt is logged once it is known whether another attempt follows: the last
  // one of a request that exhausted its channels is final (its error is what the caller got),
  // so the request counts in the log like any other.
  let failed: AttemptReport | null = null;
  const recordFailed = (final: boolean) => {
    if (failed !== null) record(final ? { ...failed, final: true } : failed);
    failed = null;
  };

  for (let leg = await nextLeg(); leg !== null; leg = await nextLeg()) {
    recordFailed(false);
    // Only the first attempt is hedged: later ones already follow a failure.
    const result = leg.attempt === 1 && prepared.hedge_delay_ms !== null
      ? (await runHedged(leg, context, { delayMs: prepared.hedge_delay_ms, nextLeg, record, waitUntil })).result
      : await runAttempt(leg.candidate, leg.attempt, leg.upstream, context);
    switch (result.kind) {
      case 'failed':
        last = result.failure;
        if (result.failure.error_class === 'client') {
          record(result.report);
          await admission.settle(0, NO_TOKENS);
          return fail(failureError(result.failure));
        }
        failed = result.report;
        continue;
      case 'answered':
        waitUntil(finish(result.report));
        return new Response(result.body, { status: 200, headers: { 'content-type': 'application/json', ...headersOf(result.report.candidate) } });
      case 'streaming': {
        const candidate = result.candidate;
        waitUntil(result.report.then(finish));
        return new Response(result.body, {
          status: 200,
          headers: { 'content-type': streamContentType(inbound.protocol), 'cache-control': 'no-cache', ...headersOf(candidate) },
        });
      }
    }
  }
  recordFailed(true);
  await admission.settle(0, NO_TOKENS);
  if (!last && lastSkip) return fail(lastSkip);
  return fail(exhaustedError(last, attempt));
}

function tokensOf(usage: Usage): { input_tokens: number; output_tokens: number } {
  return { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens };
}
