// One attempt on one channel: call it, read its answer (whole or streamed) and report what
// happened. The attempt owns the channel's live signals (begin, first byte, end); logging and
// money are the caller's (attempt-loop.ts), from the report.
import type { Candidate } from '../core/types';
import type { InboundRequest, ResponseContext, UpstreamFailure, UpstreamRequest } from '../protocols/types';
import type { LiveSignals } from '../signals/live-signals';
import { classifyUpstreamError, createStreamTranslator, translateResponse } from '../protocols';
import { failedReport, liveOutcomeOf, meter, type AttemptReport } from './attempt-report';
import { callUpstream, readTextWithin, TimeoutError } from './upstream';
import { pumpStream, startStream, type StreamResult, type StreamTimings } from './stream';

export interface AttemptContext {
  inbound: InboundRequest;
  request_id: string;
  received_at: number;
  timings: StreamTimings;
  live: LiveSignals;
}

export type AttemptResult =
  | { kind: 'failed'; failure: UpstreamFailure; report: AttemptReport }
  | { kind: 'answered'; body: string; report: AttemptReport }
  /** The stream has its first token; the report arrives when it ends. */
  | { kind: 'streaming'; candidate: Candidate; body: ReadableStream<Uint8Array>; report: Promise<AttemptReport> };

/** The abort reason of a primary its hedge overtook before its first token (hedging.ts). */
export const OVERTAKEN_PRIMARY = 'switchboard: primary overtaken by its hedge';

/**
 * `signal` cancels the attempt (a hedge race it lost, hedging.ts): whatever it was doing ends
 * as a failure of class 'cancelled' whose input is costed as an estimate (the upstream read the
 * prompt), or, once it streams, as a cancelled stream.
 */
export async function runAttempt(
  candidate: Candidate,
  attempt: number,
  request: UpstreamRequest,
  context: AttemptContext,
  signal?: AbortSignal,
): Promise<AttemptResult> {
  const started_at = Date.now();
  context.live.begin(candidate.channel_id, started_at);
  const failed = (status: number, upstreamFailure: UpstreamFailure): AttemptResult => {
    const cancelled = signal?.aborted === true;
    const failure: UpstreamFailure = cancelled ? { status: 499, error_class: 'cancelled', message: 'Cancelled: another attempt answered first.' } : upstreamFailure;
    const report = failedReport({
      candidate,
      attempt,
      started_at,
      ended_at: Date.now(),
      status,
      error_class: failure.error_class,
      error_message: failure.message,
    });
    if (cancelled) {
      // The upstream has most likely read the prompt: cost its input (an estimate), charge nobody.
      report.usage = meter(null, context.inbound, 0).usage;
      report.usage_estimated = true;
    }
    // The log keeps 'cancelled'; the channel's live signals hear a primary its hedge overtook
    // before any answer as a timeout (hedging.ts), so a hang still opens the breaker.
    const overtaken = cancelled && signal?.reason === OVERTAKEN_PRIMARY;
    context.live.end(candidate.channel_id, overtaken ? { ok: false, error_class: 'timeout' } : liveOutcomeOf(report), report.ended_at);
    return { kind: 'failed', failure, report };
  };

  const called = await callUpstream(request, context.timings.ttftMs, signal);
  if (!called.ok) return failed(0, called.failure);
  const response = called.response;
  if (!response.ok) {
    let text = '';
    try {
      text = await readTextWithin(response, context.timings.ttftMs);
    } catch {
      // The status says enough.
    }
    return failed(response.status, classifyUpstreamError(candidate.dialect, response.status, text, response.headers));
  }

  const responseContext: ResponseContext = {
    request_id: context.request_id,
    model: candidate.model,
    created_ms: context.received_at,
    channel_id: candidate.channel_id,
    price: candidate.price,
  };
  const answered = { candidate, attempt, started_at, status: response.status };
  if (!context.inbound.stream) {
    let text: string;
    try {
      text = await readTextWithin(response, context.timings.idleMs);
    } catch (error) {
      return failed(response.status, error instanceof TimeoutError
        ? { status: 504, error_class: 'timeout', message: 'The upstream did not finish its answer in time.' }
        : { status: 502, error_class: 'connection', message: 'The upstream connection broke during the answer.' });
    }
    const translated = translateResponse(context.inbound, candidate.dialect, text, responseContext);
    if (!translated.ok) {
      return failed(response.status, { status: 502, error_class: 'server', message: 'The upstream sent an answer that could not be read.' });
    }
    const ended_at = Date.now();
    // Without usage, the estimate counts what the model generated, never the rendered JSON (ids, keys, vectors).
    const { usage, estimated } = meter(translated.value.usage, context.inbound, translated.value.output_characters);
    const report: AttemptReport = {
      ...answered,
      ended_at,
      error_class: 'none',
      error_message: '',
      ttft_ms: ended_at - started_at,
      usage,
      usage_estimated: estimated,
      final: true,
      after_first_byte: false,
    };
    context.live.end(candidate.channel_id, liveOutcomeOf(report), ended_at);
    return { kind: 'answered', body: translated.value.body, report };
  }

  const translator = createStreamTranslator(context.inbound, candidate.dialect, responseContext);
  const start = await startStream(response, translator, context.timings, started_at);
  if (!start.ok) return failed(response.status, start.failure);
  const firstTokenAt = start.first_token_at ?? Date.now();
  context.live.firstByte(candidate.channel_id, firstTokenAt);
  const pumped = pumpStream(start, translator, context.timings);
  const report = pumped.done.then((result): AttemptReport => {
    const ended_at = Date.now();
    const { usage, estimated } = meter(translator.observation.usage, context.inbound, translator.observation.output_characters);
    const ended: AttemptReport = {
      ...answered,
      ended_at,
      error_class: streamErrorClass(result),
      error_message: result.failure?.message ?? '',
      ttft_ms: firstTokenAt - started_at,
      usage,
      usage_estimated: estimated,
      final: true,
      after_first_byte: true,
    };
    // A stream the client abandoned says nothing about the channel's health (LiveSignals).
    context.live.end(candidate.channel_id, liveOutcomeOf(ended), ended_at);
    return ended;
  });
  return { kind: 'streaming', candidate, body: pumped.body, report };
}

function streamErrorClass(result: StreamResult): AttemptReport['error_class'] {
  if (result.outcome === 'completed') return 'none';
  if (result.outcome === 'cancelled') return 'cancelled';
  return result.failure?.error_class === 'timeout' ? 'timeout' : 'mid_stream';
}
