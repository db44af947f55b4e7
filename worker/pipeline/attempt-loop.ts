// One request's walk down its attempt plan: each channel in turn until one answers, a client
// error ends the walk, or the plan runs out. Retries happen only before the first byte (a
// stream is handed to the client at its first token). Every attempt is logged from its
// report; the admission's reservation is settled exactly once, with what the answer cost.
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
  const fail = (error: GatewayError) => errorResponse(c, inbound.protocol, error, headersOf());

  for (const candidate of prepared.attempts) {
    const upstream = buildUpstreamRequest(inbound, {
      dialect: candidate.dialect,
      base_url: candidate.base_url,
      upstream_model: candidate.upstream_model,
      api_key: await resolveCredential(catalog.channels.get(candidate.channel_id), c.env),
    });
    // A request this channel's dialect cannot express is not an attempt: try the next channel.
    if (!upstream.ok) {
      lastSkip = upstream.error;
      continue;
    }
    attempt += 1;
    const result = await runAttempt(candidate, attempt, upstream.value, context);
    switch (result.kind) {
      case 'failed':
        record(result.report);
        last = result.failure;
        if (result.failure.error_class === 'client') {
          await admission.settle(0, NO_TOKENS);
          return fail(failureError(result.failure));
        }
        continue;
      case 'answered':
        record(result.report);
        waitUntil(settle(result.report));
        return new Response(result.body, { status: 200, headers: { 'content-type': 'application/json', ...headersOf(candidate) } });
      case 'streaming':
        waitUntil(result.report.then(async (report) => {
          record(report);
          await settle(report);
        }));
        return new Response(result.body, {
          status: 200,
          headers: { 'content-type': streamContentType(inbound.protocol), 'cache-control': 'no-cache', ...headersOf(candidate) },
        });
    }
  }
  await admission.settle(0, NO_TOKENS);
  if (!last && lastSkip) return fail(lastSkip);
  return fail(exhaustedError(last, attempt));
}

function tokensOf(usage: Usage): { input_tokens: number; output_tokens: number } {
  return { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens };
}
