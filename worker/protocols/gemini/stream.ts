// Gemini streams (`:streamGenerateContent?alt=sse`, one GenerateContentResponse per `data:`):
// decode upstream chunks into canonical events, encode canonical events as chunks, or pass through.
import type { Usage } from '../../core/types';
import { errorStatus, type GatewayError } from '../../errors';
import type { StreamDecoder, StreamEncoder } from '../adapter';
import type { CanonicalStreamEvent, FinishReason } from '../canonical';
import type { InboundRequest, ResponseContext, SourceEvent, StreamTranslator } from '../types';
import { ids } from '../shared/ids';
import { sseFrame } from '../shared/sse';
import { createPassthroughStream } from '../shared/stream-translator';
import { isPlainObject } from '../shared/validation';
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
      const parsed: unknown = JSON.parse(event.data);
      const chunk: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
      if (!isPlainObject(chunk)) throw new Error('chunk is not a JSON object');
      if (chunk.error !== undefined) return [{ type: 'error', error: geminiErrorFromObject(chunk.error) }];
      const events: CanonicalStreamEvent[] = [];
      if (!started) {
        started = true;
        events.push({ type: 'message-start' });
      }
      const { parts, finish_reason } = readCandidate(chunk);
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

export function createGeminiStreamEncoder(inbound: InboundRequest, context: ResponseContext): StreamEncoder {
  const showThoughts = wantsThoughts(inbound);
  const suffix = `,"modelVersion":${JSON.stringify(context.model)},"responseId":${JSON.stringify(ids.geminiResponse(context.request_id))}}`;
  const toolCalls = new Map<number, { name: string; arguments: string }>();
  let usage: Usage | null = null;

  const chunk = (parts: unknown[], finishReason?: string): string => {
    const candidate: Record<string, unknown> = { content: { parts, role: 'model' } };
    if (finishReason !== undefined) candidate.finishReason = finishReason;
    candidate.index = 0;
    const usageText = finishReason !== undefined && usage ? `,"usageMetadata":${JSON.stringify(toGeminiUsage(usage))}` : '';
    return sseFrame(`{"candidates":[${JSON.stringify(candidate)}]${usageText}${suffix}`);
  };

  return {
    encode(event: CanonicalStreamEvent): string[] {
      switch (event.type) {
        case 'message-start':
          return [];
        case 'text-delta':
          return [chunk([{ text: event.text }])];
        case 'reasoning-delta':
          return showThoughts ? [chunk([{ text: event.text, thought: true }])] : [];
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
          let args: unknown;
          try {
            args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
          } catch {
            args = undefined;
          }
          if (!isPlainObject(args)) {
            return geminiStreamError({
              kind: 'upstream',
              status: 502,
              error_class: 'server',
              message: 'The upstream produced tool call arguments that are not a JSON object.',
            });
          }
          return [chunk([{ functionCall: { name: call.name, args } }])];
        }
        case 'usage':
          usage = event.usage;
          return [];
        case 'finish':
          return [chunk([{ text: '' }], toGeminiFinishReason(event.finish_reason))];
        case 'error':
          return geminiStreamError(event.error);
      }
    },
    fail: geminiStreamError,
  };
}

export function createGeminiPassthroughStream(): StreamTranslator {
  return createPassthroughStream(createGeminiStreamDecoder(), {
    frame: (event) => sseFrame(event.data),
    closing: [],
    fail: geminiStreamError,
  });
}
