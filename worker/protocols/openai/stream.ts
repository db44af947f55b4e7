// OpenAI chat completion chunks: decode an upstream stream into canonical events, encode
// canonical events as chunks for an OpenAI client, or pass a same-dialect stream through.
import type { GatewayError } from '../../errors';
import type { StreamDecoder, StreamEncoder } from '../adapter';
import type { CanonicalStreamEvent, FinishReason } from '../canonical';
import type { InboundRequest, ResponseContext, SourceEvent, StreamTranslator } from '../types';
import { ids } from '../shared/ids';
import { sseFrame, streamEventObject, unreadableStreamEvent } from '../shared/sse';
import { createPassthroughStream } from '../shared/stream-translator';
import { isPlainObject } from '../shared/validation';
import { setUsageCost } from '../shared/passthrough-body';
import { usageCost } from '../../core/metering';
import { openaiErrorBody } from '../shared/openai-errors';
import { openaiErrorFromObject } from './errors';
import { convertOpenaiUsage, mapOpenaiFinishReason, toOpenaiFinishReason, toOpenaiUsage } from './mapping';

export const openaiFrame = (data: string): string => sseFrame(data);
const DONE = 'data: [DONE]\n\n';

export function createOpenaiStreamDecoder(): StreamDecoder {
  let started = false;
  let finishReason: FinishReason | null = null;
  let done = false;
  /** Upstream tool-call index → our ordinal, for calls still open. */
  const open = new Map<number, number>();
  let nextOrdinal = 0;

  const closeToolCalls = (events: CanonicalStreamEvent[]): void => {
    for (const ordinal of open.values()) events.push({ type: 'tool-call-end', index: ordinal });
    open.clear();
  };
  const finish = (): CanonicalStreamEvent[] => {
    const events: CanonicalStreamEvent[] = [];
    closeToolCalls(events);
    events.push({ type: 'finish', finish_reason: finishReason ?? 'stop' });
    return events;
  };

  return {
    push(event: SourceEvent): CanonicalStreamEvent[] {
      const data = event.data.trim();
      if (data === '[DONE]') {
        if (done) return [];
        done = true;
        return finish();
      }
      // OpenAI chunks are objects; an array is as unreadable as broken JSON here.
      const chunk = data.startsWith('[') ? null : streamEventObject(data);
      if (chunk === null) return [{ type: 'error', error: unreadableStreamEvent(data) }];
      if (chunk.error !== undefined && chunk.error !== null) return [{ type: 'error', error: openaiErrorFromObject(chunk.error) }];
      const events: CanonicalStreamEvent[] = [];
      if (!started) {
        started = true;
        events.push({ type: 'message-start' });
      }
      const choices = Array.isArray(chunk.choices) ? (chunk.choices as unknown[]) : [];
      const choice: unknown = choices.find((item) => isPlainObject(item) && (item.index ?? 0) === 0);
      if (isPlainObject(choice)) {
        const delta = isPlainObject(choice.delta) ? choice.delta : {};
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (typeof reasoning === 'string' && reasoning !== '') events.push({ type: 'reasoning-delta', text: reasoning });
        if (typeof delta.content === 'string' && delta.content !== '') events.push({ type: 'text-delta', text: delta.content });
        if (typeof delta.refusal === 'string' && delta.refusal !== '') events.push({ type: 'text-delta', text: delta.refusal });
        if (Array.isArray(delta.tool_calls)) {
          for (const call of delta.tool_calls as unknown[]) {
            if (!isPlainObject(call)) continue;
            const upstreamIndex = typeof call.index === 'number' ? call.index : 0;
            const fn = isPlainObject(call.function) ? call.function : {};
            let ordinal = open.get(upstreamIndex);
            if (ordinal === undefined) {
              closeToolCalls(events);
              ordinal = nextOrdinal;
              nextOrdinal += 1;
              open.set(upstreamIndex, ordinal);
              events.push({
                type: 'tool-call-start',
                index: ordinal,
                id: typeof call.id === 'string' ? call.id : '',
                name: typeof fn.name === 'string' ? fn.name : '',
              });
            }
            if (typeof fn.arguments === 'string' && fn.arguments !== '') {
              events.push({ type: 'tool-call-delta', index: ordinal, arguments: fn.arguments });
            }
          }
        }
        const reason = mapOpenaiFinishReason(choice.finish_reason);
        if (reason !== null) {
          finishReason = reason;
          closeToolCalls(events);
        }
      }
      const usage = convertOpenaiUsage(chunk.usage);
      if (usage) events.push({ type: 'usage', usage });
      return events;
    },
    end(): CanonicalStreamEvent[] {
      // Some OpenAI-compatible servers end without [DONE]; a seen finish_reason is a clean end.
      return finishReason === null || done ? [] : finish();
    },
    endsCleanly: () => done || finishReason !== null,
  };
}

export function openaiStreamError(error: GatewayError): string[] {
  const { error: body } = openaiErrorBody(error);
  return [openaiFrame(JSON.stringify({ error: { message: body.message, type: body.type, code: body.code } }))];
}

export function createOpenaiStreamEncoder(inbound: InboundRequest, context: ResponseContext): StreamEncoder {
  const id = ids.openaiCompletion(context.request_id);
  const created = Math.floor(context.created_ms / 1000);
  const prefix = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(context.model)},"provider":${JSON.stringify(context.channel_id)},`;
  let started = false;
  let usage: CanonicalStreamEvent | null = null;

  const chunk = (delta: unknown, finishReason: string | null = null): string =>
    openaiFrame(`${prefix}"choices":[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}]}`);
  const start = (frames: string[]): void => {
    if (started) return;
    started = true;
    frames.push(chunk({ role: 'assistant', content: '', refusal: null }));
  };

  return {
    encode(event: CanonicalStreamEvent): string[] {
      const frames: string[] = [];
      switch (event.type) {
        case 'message-start':
          start(frames);
          return frames;
        case 'text-delta':
          start(frames);
          frames.push(chunk({ content: event.text }));
          return frames;
        case 'reasoning-delta':
          start(frames);
          frames.push(chunk({ reasoning_content: event.text }));
          return frames;
        case 'tool-call-start':
          start(frames);
          frames.push(
            chunk({
              tool_calls: [
                {
                  index: event.index,
                  id: ids.openaiToolCall(context.request_id, event.index),
                  type: 'function',
                  function: { name: event.name, arguments: '' },
                },
              ],
            }),
          );
          return frames;
        case 'tool-call-delta':
          frames.push(chunk({ tool_calls: [{ index: event.index, function: { arguments: event.arguments } }] }));
          return frames;
        case 'tool-call-end':
          return frames;
        case 'reasoning-state':
          // Chat Completions has no field for opaque reasoning state: it is not shown.
          return frames;
        case 'usage':
          usage = event;
          return frames;
        case 'finish':
          start(frames);
          frames.push(chunk({}, toOpenaiFinishReason(event.finish_reason)));
          if (inbound.include_usage && usage?.type === 'usage') {
            frames.push(openaiFrame(`${prefix}"choices":[],"usage":${JSON.stringify(toOpenaiUsage(usage.usage, context.price))}}`));
          }
          frames.push(DONE);
          return frames;
        case 'error':
          return openaiStreamError(event.error);
      }
    },
    fail: openaiStreamError,
  };
}

function isUsageOnlyChunk(data: string): boolean {
  try {
    const chunk: unknown = JSON.parse(data);
    return isPlainObject(chunk) && Array.isArray(chunk.choices) && chunk.choices.length === 0 && isPlainObject(chunk.usage);
  } catch {
    return false;
  }
}

export function createOpenaiPassthroughStream(inbound: InboundRequest, context: ResponseContext): StreamTranslator {
  return createPassthroughStream(createOpenaiStreamDecoder(), {
    frame(event, events) {
      const failed = events.find((item) => item.type === 'error');
      // An unreadable chunk is not forwarded: the client gets its own format's error event instead.
      if (failed?.type === 'error' && streamEventObject(event.data.trim()) === null) return openaiStreamError(failed.error).join('');
      const usage = events.find((item) => item.type === 'usage');
      if (usage?.type !== 'usage') return openaiFrame(event.data);
      // We forced include_usage upstream for metering; drop the usage chunk the client did not ask for.
      if (!inbound.include_usage && isUsageOnlyChunk(event.data)) return null;
      // The client asked for usage: add `cost` (what it is charged), spliced into the upstream's bytes.
      return openaiFrame(inbound.include_usage ? setUsageCost(event.data, usageCost(usage.usage, context.price)) : event.data);
    },
    closing: [DONE],
    fail: openaiStreamError,
    isTerminal: (event) => event.data.trim() === '[DONE]',
  });
}
