// Anthropic Messages streams: decode upstream events into canonical events, encode
// canonical events as Anthropic events (message_start … message_stop), or pass through.
import type { GatewayError } from '../../errors';
import type { StreamDecoder, StreamEncoder } from '../adapter';
import type { CanonicalStreamEvent, FinishReason } from '../canonical';
import type { InboundRequest, ResponseContext, SourceEvent, StreamTranslator } from '../types';
import type { Usage } from '../../core/types';
import { ids } from '../shared/ids';
import { sseFrame } from '../shared/sse';
import { createPassthroughStream } from '../shared/stream-translator';
import { isPlainObject } from '../shared/validation';
import { anthropicErrorBody, anthropicErrorFromObject } from './errors';
import { convertAnthropicUsage, mapAnthropicStopReason, toAnthropicStopReason, toAnthropicUsage } from './mapping';
import { wantsThinking } from './response';

const frame = (type: string, data: unknown): string => sseFrame(JSON.stringify(data), type);

export function createAnthropicStreamDecoder(): StreamDecoder {
  let stopReason: FinishReason | null = null;
  let stopped = false;
  let usage: Record<string, unknown> = {};
  /** Content block index → tool-call ordinal. */
  const toolBlocks = new Map<number, number>();
  let nextOrdinal = 0;

  const usageEvent = (update: unknown): CanonicalStreamEvent[] => {
    if (!isPlainObject(update)) return [];
    const merged: Record<string, unknown> = { ...usage };
    for (const [key, value] of Object.entries(update)) if (typeof value === 'number') merged[key] = value;
    usage = merged;
    const converted = convertAnthropicUsage(usage);
    return converted ? [{ type: 'usage', usage: converted }] : [];
  };

  return {
    push(event: SourceEvent): CanonicalStreamEvent[] {
      const data: unknown = JSON.parse(event.data);
      if (!isPlainObject(data)) throw new Error('event is not a JSON object');
      switch (data.type) {
        case 'message_start': {
          const message = isPlainObject(data.message) ? data.message : {};
          return [{ type: 'message-start' }, ...usageEvent(message.usage)];
        }
        case 'content_block_start': {
          const block = isPlainObject(data.content_block) ? data.content_block : {};
          const index = typeof data.index === 'number' ? data.index : 0;
          if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') return [{ type: 'text-delta', text: block.text }];
          if (block.type === 'tool_use') {
            const ordinal = nextOrdinal;
            nextOrdinal += 1;
            toolBlocks.set(index, ordinal);
            return [
              {
                type: 'tool-call-start',
                index: ordinal,
                id: typeof block.id === 'string' ? block.id : '',
                name: typeof block.name === 'string' ? block.name : '',
              },
            ];
          }
          return [];
        }
        case 'content_block_delta': {
          const delta = isPlainObject(data.delta) ? data.delta : {};
          const index = typeof data.index === 'number' ? data.index : 0;
          if (delta.type === 'text_delta' && typeof delta.text === 'string') return [{ type: 'text-delta', text: delta.text }];
          if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') return [{ type: 'reasoning-delta', text: delta.thinking }];
          const ordinal = toolBlocks.get(index);
          if (delta.type === 'input_json_delta' && ordinal !== undefined && typeof delta.partial_json === 'string' && delta.partial_json !== '') {
            return [{ type: 'tool-call-delta', index: ordinal, arguments: delta.partial_json }];
          }
          return [];
        }
        case 'content_block_stop': {
          const ordinal = toolBlocks.get(typeof data.index === 'number' ? data.index : -1);
          return ordinal === undefined ? [] : [{ type: 'tool-call-end', index: ordinal }];
        }
        case 'message_delta': {
          const delta = isPlainObject(data.delta) ? data.delta : {};
          stopReason = mapAnthropicStopReason(delta.stop_reason) ?? stopReason;
          return usageEvent(data.usage);
        }
        case 'message_stop':
          stopped = true;
          return [{ type: 'finish', finish_reason: stopReason ?? 'stop' }];
        case 'error':
          return [{ type: 'error', error: anthropicErrorFromObject(data) }];
        default:
          return [];
      }
    },
    end: () => [],
    endsCleanly: () => stopped,
  };
}

export function anthropicStreamError(error: GatewayError): string[] {
  return [frame('error', anthropicErrorBody(error))];
}

type OpenBlock = { kind: 'text' | 'thinking' } | { kind: 'tool'; ordinal: number };

export function createAnthropicStreamEncoder(inbound: InboundRequest, context: ResponseContext): StreamEncoder {
  const showThinking = wantsThinking(inbound);
  let started = false;
  let nextBlock = 0;
  let open: OpenBlock | null = null;
  let usage: Usage | null = null;

  const start = (frames: string[]): void => {
    if (started) return;
    started = true;
    frames.push(
      frame('message_start', {
        type: 'message_start',
        message: {
          id: ids.anthropicMessage(context.request_id),
          type: 'message',
          role: 'assistant',
          model: context.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: inbound.input_tokens_estimate, output_tokens: 1 },
        },
      }),
    );
  };
  const close = (frames: string[]): void => {
    if (!open) return;
    frames.push(frame('content_block_stop', { type: 'content_block_stop', index: nextBlock - 1 }));
    open = null;
  };
  const openBlock = (frames: string[], block: OpenBlock, contentBlock: unknown): void => {
    close(frames);
    open = block;
    frames.push(frame('content_block_start', { type: 'content_block_start', index: nextBlock, content_block: contentBlock }));
    nextBlock += 1;
  };
  const delta = (delta: unknown): string => frame('content_block_delta', { type: 'content_block_delta', index: nextBlock - 1, delta });

  return {
    encode(event: CanonicalStreamEvent): string[] {
      const frames: string[] = [];
      switch (event.type) {
        case 'message-start':
          start(frames);
          return frames;
        case 'text-delta':
          start(frames);
          if (open?.kind !== 'text') openBlock(frames, { kind: 'text' }, { type: 'text', text: '' });
          frames.push(delta({ type: 'text_delta', text: event.text }));
          return frames;
        case 'reasoning-delta':
          if (!showThinking) return frames;
          start(frames);
          if (open?.kind !== 'thinking') openBlock(frames, { kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' });
          frames.push(delta({ type: 'thinking_delta', thinking: event.text }));
          return frames;
        case 'tool-call-start':
          start(frames);
          openBlock(frames, { kind: 'tool', ordinal: event.index }, {
            type: 'tool_use',
            id: ids.anthropicToolUse(context.request_id, event.index),
            name: event.name,
            input: {},
          });
          return frames;
        case 'tool-call-delta':
          if (open?.kind === 'tool' && open.ordinal === event.index) frames.push(delta({ type: 'input_json_delta', partial_json: event.arguments }));
          return frames;
        case 'tool-call-end':
          if (open?.kind === 'tool' && open.ordinal === event.index) close(frames);
          return frames;
        case 'usage':
          usage = event.usage;
          return frames;
        case 'finish': {
          start(frames);
          close(frames);
          const final = usage ?? { input_tokens: inbound.input_tokens_estimate, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 };
          frames.push(
            frame('message_delta', {
              type: 'message_delta',
              delta: { stop_reason: toAnthropicStopReason(event.finish_reason), stop_sequence: null },
              usage: toAnthropicUsage(final),
            }),
          );
          frames.push(frame('message_stop', { type: 'message_stop' }));
          return frames;
        }
        case 'error':
          return anthropicStreamError(event.error);
      }
    },
    fail: anthropicStreamError,
  };
}

export function createAnthropicPassthroughStream(): StreamTranslator {
  return createPassthroughStream(createAnthropicStreamDecoder(), {
    frame: (event) => sseFrame(event.data, event.event),
    closing: [],
    fail: anthropicStreamError,
  });
}
