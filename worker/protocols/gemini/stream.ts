// Gemini streams (`:streamGenerateContent?alt=sse`, one GenerateContentResponse per `data:`):
// decode upstream chunks into canonical events, encode canonical events as chunks, or pass through.
//
// Reasoning state in streams (the rule every encoder relies on): a `reasoning-state` event
// belongs to the part whose events came just before it: the text or reasoning deltas of that
// part, or the tool call that just ended (after its `tool-call-end`). This is the order in
// which Anthropic (`signature_delta` closing a thinking block) and the Responses API
// (`encrypted_content` on `output_item.done`) deliver state too. A state with no part of its
// own before it (a Gemini part that carries only a signature) stands alone.
import type { Usage } from '../../core/types';
import { errorStatus, type GatewayError } from '../../errors';
import type { StreamDecoder, StreamEncoder } from '../adapter';
import type { CanonicalStreamEvent, FinishReason } from '../canonical';
import type { GeminiInbound } from '../inbound';
import type { ResponseContext, SourceEvent, StreamTranslator } from '../types';
import { ids } from '../shared/ids';
import { stateForClient } from '../shared/reasoning-state';
import { sseFrame, streamEventObject, unreadableStreamEvent } from '../shared/sse';
import { createPassthroughStream } from '../shared/stream-translator';
import { malformedUpstream } from '../shared/upstream-failure';
import { parseToolArguments } from '../shared/tool-arguments';
import { geminiErrorBody, geminiErrorFromObject } from './errors';
import { convertGeminiUsage, toGeminiFinishReason, toGeminiUsage } from './mapping';
import { readCandidate, wantsThoughts } from './response';

export function createGeminiStreamDecoder(): StreamDecoder {
  let started = false;
  let finishReason: FinishReason | null = null;
  let sawToolCall = false;
  let nextOrdinal = 0;

  return {
    push(event: SourceEvent): CanonicalStreamEvent[] {
      // A JSON array (`alt=json` style) carries the chunk as its first element.
      const chunk = streamEventObject(event.data);
      if (chunk === null) return [{ type: 'error', error: unreadableStreamEvent(event.data) }];
      if (chunk.error !== undefined) return [{ type: 'error', error: geminiErrorFromObject(chunk.error) }];
      const events: CanonicalStreamEvent[] = [];
      if (!started) {
        started = true;
        events.push({ type: 'message-start' });
      }
      const { parts, finish_reason, malformed } = readCandidate(chunk);
      if (malformed !== null) return [...events, { type: 'error', error: malformedUpstream(malformed) }];
      for (const part of parts) {
        if (part.type === 'text') {
          if (part.text !== '') events.push({ type: 'text-delta', text: part.text });
        } else if (part.type === 'reasoning') {
          if (part.text !== '') events.push({ type: 'reasoning-delta', text: part.text });
        } else {
          // Gemini sends each call whole: start, all arguments, end.
          sawToolCall = true;
          const index = nextOrdinal;
          nextOrdinal += 1;
          events.push({ type: 'tool-call-start', index, id: part.id, name: part.name });
          events.push({ type: 'tool-call-delta', index, arguments: part.arguments });
          events.push({ type: 'tool-call-end', index });
        }
        // After the part's own events: the state belongs to the part just streamed.
        if (part.state) events.push({ type: 'reasoning-state', state: part.state });
      }
      if (finish_reason !== null) finishReason = finish_reason === 'stop' && sawToolCall ? 'tool_calls' : finish_reason;
      const usage = convertGeminiUsage(chunk.usageMetadata);
      if (usage) events.push({ type: 'usage', usage });
      return events;
    },
    end(): CanonicalStreamEvent[] {
      // Gemini has no terminal marker: a finishReason followed by the end of the body is a clean finish.
      return finishReason === null ? [] : [{ type: 'finish', finish_reason: finishReason }];
    },
    endsCleanly: () => finishReason !== null,
  };
}

export function geminiStreamError(error: GatewayError): string[] {
  return [sseFrame(JSON.stringify(geminiErrorBody(error, errorStatus(error))))];
}

/**
 * A stream encoder that can fail on its own: `failure` is set when an event could not be
 * expressed in the client's format (Gemini: tool arguments that are not a JSON object). The
 * encoder has then returned the client's error frame and emits nothing more; the translator
 * reads `failure` into observation.upstream_error so the attempt is logged as failed.
 */
export interface FailableStreamEncoder extends StreamEncoder {
  readonly failure: GatewayError | null;
}

export function createGeminiStreamEncoder(inbound: GeminiInbound, context: ResponseContext): FailableStreamEncoder {
  const showThoughts = wantsThoughts(inbound);
  const suffix = `,"modelVersion":${JSON.stringify(context.model)},"responseId":${JSON.stringify(ids.geminiResponse(context.request_id))}}`;
  const toolCalls = new Map<number, { name: string; arguments: string }>();
  let usage: Usage | null = null;
  let failure: GatewayError | null = null;
  let closed = false;
  /** A finished function call held back for one event: a reasoning-state right after it is its signature. */
  let heldCall: Record<string, unknown> | null = null;

  const chunk = (parts: unknown[], finishReason?: string): string => {
    const candidate: Record<string, unknown> = { content: { parts, role: 'model' } };
    if (finishReason !== undefined) candidate.finishReason = finishReason;
    candidate.index = 0;
    const usageText = finishReason !== undefined && usage ? `,"usageMetadata":${JSON.stringify(toGeminiUsage(usage))}` : '';
    return sseFrame(`{"candidates":[${JSON.stringify(candidate)}]${usageText}${suffix}`);
  };
  const release = (): string[] => {
    if (heldCall === null) return [];
    const part = heldCall;
    heldCall = null;
    return [chunk([part])];
  };

  const encodeEvent = (event: CanonicalStreamEvent): string[] => {
    switch (event.type) {
      case 'message-start':
        return [];
      case 'text-delta':
        return [chunk([{ text: event.text }])];
      case 'reasoning-delta':
        return showThoughts ? [chunk([{ text: event.text, thought: true }])] : [];
      case 'reasoning-state': {
        const signature = stateForClient('gemini', event.state);
        if (heldCall !== null) {
          heldCall = { ...heldCall, thoughtSignature: signature };
          return release();
        }
        // Text and thoughts went out already: the state follows on an empty part of its own.
        return [chunk([{ text: '', thoughtSignature: signature }])];
      }
      case 'tool-call-start':
        toolCalls.set(event.index, { name: event.name, arguments: '' });
        return [];
      case 'tool-call-delta': {
        const call = toolCalls.get(event.index);
        if (call) call.arguments += event.arguments;
        return [];
      }
      case 'tool-call-end': {
        // Gemini has no partial function-call arguments: a call goes out whole when it is complete.
        const call = toolCalls.get(event.index);
        toolCalls.delete(event.index);
        if (!call) return [];
        const args = parseToolArguments(call.arguments);
        if (!args.ok) {
          failure = malformedUpstream('The upstream produced tool call arguments that are not a JSON object.');
          return geminiStreamError(failure);
        }
        heldCall = { functionCall: { name: call.name, args: args.value } };
        return [];
      }
      case 'usage':
        usage = event.usage;
        return [];
      case 'finish':
        return [chunk([{ text: '' }], toGeminiFinishReason(event.finish_reason))];
      case 'error':
        return geminiStreamError(event.error);
    }
  };

  return {
    get failure() {
      return failure;
    },
    encode(event: CanonicalStreamEvent): string[] {
      if (closed || failure !== null) return [];
      const released = event.type === 'reasoning-state' || event.type === 'usage' ? [] : release();
      const frames = encodeEvent(event);
      // After an error frame nothing else goes out, not even a held call.
      return failure !== null || event.type === 'error' ? frames : [...released, ...frames];
    },
    fail(error: GatewayError): string[] {
      if (closed || failure !== null) return [];
      closed = true;
      heldCall = null;
      return geminiStreamError(error);
    },
  };
}

export function createGeminiPassthroughStream(): StreamTranslator {
  return createPassthroughStream(createGeminiStreamDecoder(), {
    frame(event, events) {
      const failed = events.find((item) => item.type === 'error');
      // An unreadable chunk is not forwarded: the client gets its own format's error event instead.
      if (failed?.type === 'error' && streamEventObject(event.data) === null) return geminiStreamError(failed.error).join('');
      return sseFrame(event.data);
    },
    closing: [],
    fail: geminiStreamError,
  });
}
