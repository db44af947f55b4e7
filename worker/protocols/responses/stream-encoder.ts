// Canonical stream events → the Responses API's typed SSE events (`event: <type>` frames with
// a `sequence_number` counting from 0). Each delta is serialised on its own; an item's whole
// text is serialised once, when the item closes, and the whole answer once, at the end.
import { declaredName } from './tool-names';
import type { Usage } from '../../core/types';
import type { GatewayError } from '../../errors';
import type { StreamEncoder } from '../adapter';
import type { CanonicalStreamEvent, FinishReason, ReasoningState } from '../canonical';
import type { ResponsesInbound } from '../inbound';
import type { ResponseContext } from '../types';
import { openaiErrorBody } from '../shared/openai-errors';
import { sseFrame } from '../shared/sse';
import { toResponsesStatus } from './mapping';
import {
  functionCallItem,
  itemIds,
  messageItem,
  outputTextPart,
  reasoningItem,
  requestEcho,
  responseObject,
  wantsReasoning,
  type Item,
  type ItemStatus,
  type ResponseState,
} from './response-render';

interface OpenMessage {
  id: string;
  index: number;
  text: string[];
}

interface OpenReasoning {
  /** Null while the reasoning is held back (not asked for, no state yet): no events sent. */
  placed: { id: string; index: number } | null;
  summaryOpen: boolean;
  text: string[];
  state?: ReasoningState;
}

interface OpenCall {
  id: string;
  index: number;
  callId: string;
  name: string;
  arguments: string[];
}

/** The `error` a failed response carries: OpenAI's code for the failure, else its type. */
export function responseError(error: GatewayError): { code: string; message: string } {
  const body = openaiErrorBody(error).error;
  return { code: body.code ?? body.type, message: body.message };
}

export function createResponsesStreamEncoder(inbound: ResponsesInbound, context: ResponseContext): StreamEncoder {
  const echo = requestEcho(inbound);
  const showReasoning = wantsReasoning(inbound);
  const requestId = context.request_id;
  let frames: string[] = [];
  let sequence = 0;
  let started = false;
  let ended = false;
  let usage: Usage | null = null;
  let nextIndex = 0;
  const output: Item[] = [];
  let message: OpenMessage | null = null;
  let reasoning: OpenReasoning | null = null;
  const calls = new Map<number, OpenCall>();

  const emit = (type: string, payload: Record<string, unknown>): void => {
    frames.push(sseFrame(JSON.stringify({ type, ...payload, sequence_number: sequence }), type));
    sequence += 1;
  };
  const response = (state: ResponseState): Item => responseObject(echo, context, state);
  const finished = (): Item[] => output.filter((item) => item !== undefined);
  const done = (index: number, item: Item): void => {
    output[index] = item;
    emit('response.output_item.done', { output_index: index, item });
  };

  const start = (): void => {
    if (started) return;
    started = true;
    const initial = response({ status: 'in_progress', output: [], usage: null });
    emit('response.created', { response: initial });
    emit('response.in_progress', { response: initial });
  };

  const closeMessage = (status: ItemStatus): void => {
    if (message === null) return;
    const { id, index } = message;
    const text = message.text.join('');
    message = null;
    const where = { item_id: id, output_index: index, content_index: 0 };
    emit('response.output_text.done', { ...where, text, logprobs: [] });
    const part = outputTextPart(text);
    emit('response.content_part.done', { ...where, part });
    done(index, messageItem(id, status, [part]));
  };

  /** Gives held-back or new reasoning its place in the output: closes a message first. */
  const place = (open: OpenReasoning): { id: string; index: number } => {
    if (open.placed !== null) return open.placed;
    closeMessage('completed');
    const index = nextIndex++;
    const placed = { id: itemIds.reasoning(requestId, index), index };
    open.placed = placed;
    emit('response.output_item.added', { output_index: index, item: reasoningItem(placed.id, null, undefined) });
    return placed;
  };
  const summaryDelta = (open: OpenReasoning, delta: string): void => {
    const { id, index } = place(open);
    const where = { item_id: id, output_index: index, summary_index: 0 };
    if (!open.summaryOpen) {
      open.summaryOpen = true;
      emit('response.reasoning_summary_part.added', { ...where, part: { type: 'summary_text', text: '' } });
    }
    emit('response.reasoning_summary_text.delta', { ...where, delta });
  };

  const closeReasoning = (): void => {
    const open = reasoning;
    if (open === null) return;
    reasoning = null;
    // Held-back reasoning with no state is dropped: the caller did not ask to see it.
    if (open.placed === null && open.state === undefined) return;
    const text = open.text.join('');
    if (open.placed === null && text !== '') summaryDelta(open, text);
    const { id, index } = place(open);
    if (open.summaryOpen) {
      const where = { item_id: id, output_index: index, summary_index: 0 };
      emit('response.reasoning_summary_text.done', { ...where, text });
      emit('response.reasoning_summary_part.done', { ...where, part: { type: 'summary_text', text } });
    }
    done(index, reasoningItem(id, text, open.state));
  };

  const closeCall = (ordinal: number, status: ItemStatus): void => {
    const call = calls.get(ordinal);
    if (call === undefined) return;
    calls.delete(ordinal);
    const text = call.arguments.join('');
    const declared = declaredName(inbound, call.name);
    emit('response.function_call_arguments.done', { item_id: call.id, output_index: call.index, arguments: text, name: declared.name });
    done(call.index, functionCallItem(call.id, status, call.callId, declared, text));
  };

  const closeAll = (status: ItemStatus): void => {
    closeReasoning();
    closeMessage(status);
    for (const ordinal of [...calls.keys()]) closeCall(ordinal, status);
  };

  const handlers = {
    text(text: string): void {
      closeReasoning();
      if (message === null) {
        const index = nextIndex++;
        message = { id: itemIds.message(requestId, index), index, text: [] };
        emit('response.output_item.added', { output_index: index, item: messageItem(message.id, 'in_progress', []) });
        emit('response.content_part.added', { item_id: message.id, output_index: index, content_index: 0, part: outputTextPart('') });
      }
      message.text.push(text);
      emit('response.output_text.delta', { item_id: message.id, output_index: message.index, content_index: 0, delta: text, logprobs: [] });
    },
    reasoning(text: string): void {
      // A second thought after a signed one is a new reasoning item (its own state follows).
      if (reasoning?.state !== undefined) closeReasoning();
      reasoning ??= { placed: null, summaryOpen: false, text: [] };
      reasoning.text.push(text);
      if (showReasoning) summaryDelta(reasoning, text);
    },
    state(state: ReasoningState): void {
      if (reasoning !== null && reasoning.state === undefined) {
        reasoning.state = state;
        return;
      }
      closeReasoning();
      // State with no reasoning of its own (Anthropic redacted thinking, Gemini signatures).
      reasoning = { placed: null, summaryOpen: false, text: [], state };
      closeReasoning();
    },
    callStart(ordinal: number, name: string): void {
      closeReasoning();
      closeMessage('completed');
      closeCall(ordinal, 'completed');
      const index = nextIndex++;
      const call: OpenCall = { id: itemIds.functionCall(requestId, ordinal), index, callId: itemIds.callId(requestId, ordinal), name, arguments: [] };
      calls.set(ordinal, call);
      emit('response.output_item.added', { output_index: index, item: functionCallItem(call.id, 'in_progress', call.callId, declaredName(inbound, name), '') });
    },
    callDelta(ordinal: number, delta: string): void {
      const call = calls.get(ordinal);
      if (call === undefined || delta === '') return;
      call.arguments.push(delta);
      emit('response.function_call_arguments.delta', { item_id: call.id, output_index: call.index, delta });
    },
    finish(reason: FinishReason): void {
      const { status, incomplete_details } = toResponsesStatus(reason);
      closeAll(status === 'incomplete' ? 'incomplete' : 'completed');
      ended = true;
      const type = status === 'incomplete' ? 'response.incomplete' : 'response.completed';
      emit(type, { response: response({ status, output: finished(), usage, incomplete_details }) });
    },
    fail(error: GatewayError): void {
      ended = true;
      emit('response.failed', { response: response({ status: 'failed', output: finished(), usage, error: responseError(error) }) });
    },
  };

  const collect = (run: () => void): string[] => {
    if (ended) return [];
    frames = [];
    start();
    run();
    return frames;
  };

  return {
    encode(event: CanonicalStreamEvent): string[] {
      switch (event.type) {
        case 'message-start':
          return collect(() => undefined);
        case 'text-delta':
          return event.text === '' ? [] : collect(() => handlers.text(event.text));
        case 'reasoning-delta':
          return event.text === '' ? [] : collect(() => handlers.reasoning(event.text));
        case 'reasoning-state':
          return collect(() => handlers.state(event.state));
        case 'tool-call-start':
          return collect(() => handlers.callStart(event.index, event.name));
        case 'tool-call-delta':
          return collect(() => handlers.callDelta(event.index, event.arguments));
        case 'tool-call-end':
          return collect(() => closeCall(event.index, 'completed'));
        case 'usage':
          usage = event.usage;
          return [];
        case 'finish':
          return collect(() => handlers.finish(event.finish_reason));
        case 'error':
          return collect(() => handlers.fail(event.error));
      }
    },
    fail: (error: GatewayError) => collect(() => handlers.fail(error)),
  };
}
