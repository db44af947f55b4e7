// Anthropic Messages upstream stream → canonical events.
import type { StreamDecoder } from '../adapter';
import type { CanonicalStreamEvent, FinishReason } from '../canonical';
import type { SourceEvent } from '../types';
import { malformedUpstream } from '../shared/upstream-failure';
import { isPlainObject } from '../shared/validation';
import { anthropicErrorFromObject } from './errors';
import { convertAnthropicUsage, mapAnthropicStopReason } from './mapping';
import { parseToolArguments } from '../shared/tool-arguments';
import { redactedState, signatureState } from './response';

interface ToolBlock {
  ordinal: number;
  /** The partial_json deltas so far, checked when the block stops. */
  input: string;
}

export function createAnthropicStreamDecoder(): StreamDecoder {
  let stopReason: FinishReason | null = null;
  let stopped = false;
  let usage: Record<string, unknown> = {};
  /** Content block index → tool call. */
  const toolBlocks = new Map<number, ToolBlock>();
  let nextOrdinal = 0;

  // message_start carries the input side, message_delta the output side: later counts win.
  const usageEvent = (update: unknown): CanonicalStreamEvent[] => {
    if (!isPlainObject(update)) return [];
    const merged: Record<string, unknown> = { ...usage };
    for (const [key, value] of Object.entries(update)) if (typeof value === 'number' || isPlainObject(value)) merged[key] = value;
    usage = merged;
    const converted = convertAnthropicUsage(usage);
    return converted ? [{ type: 'usage', usage: converted }] : [];
  };

  const blockStart = (block: Record<string, unknown>, index: number): CanonicalStreamEvent[] => {
    switch (block.type) {
      case 'text':
        return typeof block.text === 'string' && block.text !== '' ? [{ type: 'text-delta', text: block.text }] : [];
      case 'thinking': {
        const events: CanonicalStreamEvent[] = [];
        if (typeof block.thinking === 'string' && block.thinking !== '') events.push({ type: 'reasoning-delta', text: block.thinking });
        const state = signatureState(block.signature);
        if (state) events.push({ type: 'reasoning-state', state });
        return events;
      }
      case 'redacted_thinking': {
        const state = redactedState(block.data);
        return state ? [{ type: 'reasoning-state', state }] : [];
      }
      case 'tool_use': {
        const ordinal = nextOrdinal;
        nextOrdinal += 1;
        toolBlocks.set(index, { ordinal, input: '' });
        const id = typeof block.id === 'string' ? block.id : '';
        return [{ type: 'tool-call-start', index: ordinal, id, name: typeof block.name === 'string' ? block.name : '' }];
      }
      default:
        return [];
    }
  };

  const blockDelta = (delta: Record<string, unknown>, index: number): CanonicalStreamEvent[] => {
    switch (delta.type) {
      case 'text_delta':
        return typeof delta.text === 'string' ? [{ type: 'text-delta', text: delta.text }] : [];
      case 'thinking_delta':
        return typeof delta.thinking === 'string' ? [{ type: 'reasoning-delta', text: delta.thinking }] : [];
      case 'signature_delta': {
        const state = signatureState(delta.signature);
        return state ? [{ type: 'reasoning-state', state }] : [];
      }
      case 'input_json_delta': {
        const tool = toolBlocks.get(index);
        if (!tool || typeof delta.partial_json !== 'string' || delta.partial_json === '') return [];
        tool.input += delta.partial_json;
        return [{ type: 'tool-call-delta', index: tool.ordinal, arguments: delta.partial_json }];
      }
      default:
        return [];
    }
  };

  return {
    push(event: SourceEvent): CanonicalStreamEvent[] {
      const data: unknown = JSON.parse(event.data);
      if (!isPlainObject(data)) throw new Error('event is not a JSON object');
      const index = typeof data.index === 'number' ? data.index : 0;
      switch (data.type) {
        case 'message_start': {
          const message = isPlainObject(data.message) ? data.message : {};
          return [{ type: 'message-start' }, ...usageEvent(message.usage)];
        }
        case 'content_block_start':
          return blockStart(isPlainObject(data.content_block) ? data.content_block : {}, index);
        case 'content_block_delta':
          return blockDelta(isPlainObject(data.delta) ? data.delta : {}, index);
        case 'content_block_stop': {
          const tool = toolBlocks.get(index);
          if (!tool) return [];
          // A client would fail parsing these arguments: a bad answer, not a clean one.
          if (!parseToolArguments(tool.input).ok) return [{ type: 'error', error: malformedUpstream('tool call arguments are not a JSON object') }];
          return [{ type: 'tool-call-end', index: tool.ordinal }];
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
