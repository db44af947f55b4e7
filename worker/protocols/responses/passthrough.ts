// Responses client → Responses channel: the client's bytes with only the model swapped (hosted
// tools, include, store, metadata and encrypted reasoning items travel untouched), and the
// upstream's answer and stream frames back as they came.
import type { GatewayError } from '../../errors';
import type { InboundRequest, ResponseContext, Result, StreamTranslator, TranslatedResponse, UpstreamRequest, UpstreamTarget } from '../types';
import { joinUrl, openaiHeaders } from '../shared/upstream-http';
import { editedAnswer, passthroughBody } from '../shared/passthrough-body';
import { sseFrame } from '../shared/sse';
import { createPassthroughStream } from '../shared/stream-translator';
import { isPlainObject } from '../shared/validation';
import { responsesErrorFromObject } from './errors';
import { convertResponsesUsage, mapResponsesStatus } from './mapping';
import { createResponsesStreamDecoder, type ResponsesStreamPosition } from './stream-decoder';
import { responseError } from './stream-encoder';

export function passthroughResponsesRequest(inbound: InboundRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  // Responses streams always report usage in response.completed: nothing to switch on.
  const body = passthroughBody(inbound.raw, { model: target.upstream_model });
  if (!body.ok) return body;
  return { ok: true, value: { url: joinUrl(target.base_url, '/v1/responses'), headers: openaiHeaders(target.api_key), body: body.value } };
}

export function passthroughResponsesResponse(
  _inbound: InboundRequest,
  text: string,
  context: ResponseContext,
): Result<TranslatedResponse> {
  const answer = editedAnswer(text, { model: context.model, provider: context.channel_id }, { provider: context.channel_id });
  if (!answer.ok) return answer;
  const { object: body, body: edited } = answer.value;
  // A failed response is the upstream's error (logged and retried as one), not an answer.
  if (body.status === 'failed') return { ok: false, error: responsesErrorFromObject(body.error) };
  const output = Array.isArray(body.output) ? body.output : [];
  const hasToolCalls = output.some((item: unknown) => isPlainObject(item) && item.type === 'function_call');
  const incomplete = isPlainObject(body.incomplete_details) ? body.incomplete_details.reason : undefined;
  return {
    ok: true,
    value: { body: edited, usage: convertResponsesUsage(body.usage), finish_reason: mapResponsesStatus(body.status, incomplete, hasToolCalls) },
  };
}

/**
 * A `response.failed` event continuing the upstream's stream: its response id, creation time
 * and the next sequence number, so a client sees one coherent stream ending in failure.
 */
export function passthroughFailureFrame(error: GatewayError, position: ResponsesStreamPosition, context: ResponseContext): string {
  const response = {
    id: position.response_id ?? `resp_${context.request_id}`,
    object: 'response',
    created_at: position.created_at ?? Math.floor(context.created_ms / 1000),
    status: 'failed',
    // The same error object the translating encoder puts in its own response.failed.
    error: responseError(error),
    incomplete_details: null,
    model: context.model,
    output: [],
    usage: null,
  };
  const sequence = position.sequence_number === null ? 0 : position.sequence_number + 1;
  return sseFrame(JSON.stringify({ type: 'response.failed', response, sequence_number: sequence }), 'response.failed');
}

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

export function createResponsesPassthroughStream(_inbound: InboundRequest, context: ResponseContext): StreamTranslator {
  const decoder = createResponsesStreamDecoder();
  return createPassthroughStream(decoder, {
    // Frames go out exactly as received: the event name (when the upstream sent one) and data.
    frame: (event) => sseFrame(event.data, event.event),
    // A Responses stream ends with its own terminal event; there is no [DONE] to add.
    closing: [],
    fail: (error) => [passthroughFailureFrame(error, decoder.position(), context)],
    // response.completed / incomplete / failed decode to a finish, an `error` event to an error;
    // the event name alone also ends it (a client may go by the name whatever the data says).
    isTerminal: (event, events) =>
      TERMINAL_EVENTS.has(event.event ?? '') || events.some((decoded) => decoded.type === 'finish' || decoded.type === 'error'),
  });
}
