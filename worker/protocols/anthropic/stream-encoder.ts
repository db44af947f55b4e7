// Canonical events → an Anthropic Messages stream (message_start … message_stop) for an
// Anthropic client served by a channel of another dialect.
import { usageOf } from '../../core/metering';
import type { Usage } from '../../core/types';
import type { GatewayError } from '../../errors';
import type { StreamEncoder } from '../adapter';
import type { CanonicalStreamEvent, ReasoningState } from '../canonical';
import type { AnthropicInbound } from '../inbound';
import type { ResponseContext } from '../types';
import { ids } from '../shared/ids';
import { sseFrame } from '../shared/sse';
import { malformedUpstream } from '../shared/upstream-failure';
import { anthropicErrorBody } from './errors';
import { toAnthropicStopReason, toAnthropicUsage } from './mapping';
import { parseToolArguments } from '../shared/tool-arguments';
import { thinkingBlock, wantsThinking } from './response';

export const frame = (type: string, data: unknown): string => sseFrame(JSON.stringify(data), type);

export function anthropicStreamError(error: GatewayError): string[] {
  return [frame('error', anthropicErrorBody(error))];
}

type OpenBlock = { kind: 'text' } | { kind: 'thinking'; signed: boolean } | { kind: 'tool'; ordinal: number; input: string };

export function createAnthropicStreamEncoder(inbound: AnthropicInbound, context: ResponseContext): StreamEncoder {
  const showThinking = wantsThinking(inbound);
  let started = false;
  let failed = false;
  let failure: GatewayError | null = null;
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

  /** Reasoning state: a signature on the open thinking block, else a block of its own. */
  const reasoningState = (frames: string[], state: ReasoningState): void => {
    const block = thinkingBlock('', state);
    if (block.type === 'redacted_thinking') {
      openBlock(frames, { kind: 'thinking', signed: true }, block);
      close(frames);
      return;
    }
    if (open?.kind !== 'thinking' || open.signed) openBlock(frames, { kind: 'thinking', signed: false }, { type: 'thinking', thinking: '', signature: '' });
    frames.push(delta({ type: 'signature_delta', signature: block.signature }));
    open = { kind: 'thinking', signed: true };
  };

  const fail = (error: GatewayError): string[] => {
    failed = true;
    return anthropicStreamError(error);
  };

  const encode = (event: CanonicalStreamEvent, frames: string[]): string[] => {
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
        if (open?.kind !== 'thinking' || open.signed) openBlock(frames, { kind: 'thinking', signed: false }, { type: 'thinking', thinking: '', signature: '' });
        frames.push(delta({ type: 'thinking_delta', thinking: event.text }));
        return frames;
      case 'reasoning-state':
        if (!showThinking) return frames;
        start(frames);
        reasoningState(frames, event.state);
        return frames;
      case 'tool-call-start':
        start(frames);
        openBlock(frames, { kind: 'tool', ordinal: event.index, input: '' }, {
          type: 'tool_use',
          id: ids.anthropicToolUse(context.request_id, event.index),
          name: event.name,
          input: {},
        });
        return frames;
      case 'tool-call-delta':
        if (open?.kind === 'tool' && open.ordinal === event.index) {
          open.input += event.arguments;
          frames.push(delta({ type: 'input_json_delta', partial_json: event.arguments }));
        }
        return frames;
      case 'tool-call-end':
        if (open?.kind !== 'tool' || open.ordinal !== event.index) return frames;
        // The client parses the concatenated partial_json at content_block_stop: unreadable
        // arguments end the stream with an error, never a clean message_stop.
        if (!parseToolArguments(open.input).ok) {
          failure = malformedUpstream('tool call arguments are not a JSON object');
          return [...frames, ...fail(failure)];
        }
        close(frames);
        return frames;
      case 'usage':
        usage = event.usage;
        return frames;
      case 'finish': {
        start(frames);
        close(frames);
        const final = usage ?? usageOf({ input_tokens: inbound.input_tokens_estimate });
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
        return fail(event.error);
    }
  };

  return {
    // After a failure nothing more goes out: the error event is the stream's last word.
    encode: (event) => (failed ? [] : encode(event, [])),
    fail: (error) => (failed ? [] : fail(error)),
    get failure() {
      return failure;
    },
  };
}
