// Anthropic non-streaming responses: read an upstream message into the canonical model,
// render the canonical model as a message, or pass a same-dialect message through.
import { EMPTY_USAGE } from '../../core/metering';
import type { CanonicalResponse, ReasoningState, ResponsePart } from '../canonical';
import type { AnthropicInbound } from '../inbound';
import type { InboundRequest, ResponseContext, Result, TranslatedResponse } from '../types';
import { ids } from '../shared/ids';
import { editedAnswer } from '../shared/passthrough-body';
import { stateForClient } from '../shared/reasoning-state';
import { malformedUpstream, parseJson } from '../shared/upstream-failure';
import { parseToolArguments } from '../shared/tool-arguments';
import { isPlainObject } from '../shared/validation';
import { convertAnthropicUsage, mapAnthropicStopReason, toAnthropicStopReason, toAnthropicUsage } from './mapping';

/** Thinking block signature (empty means none) → Anthropic reasoning state. */
export function signatureState(signature: unknown): ReasoningState | undefined {
  return typeof signature === 'string' && signature !== '' ? { dialect: 'anthropic', value: signature, kind: 'signature' } : undefined;
}

/** redacted_thinking `data` → Anthropic reasoning state. */
export function redactedState(data: unknown): ReasoningState | undefined {
  return typeof data === 'string' && data !== '' ? { dialect: 'anthropic', value: data, kind: 'redacted' } : undefined;
}

function readBlock(block: Record<string, unknown>): ResponsePart | null {
  if (block.type === 'text' && typeof block.text === 'string') return { type: 'text', text: block.text };
  if (block.type === 'thinking' && typeof block.thinking === 'string') {
    const state = signatureState(block.signature);
    return state ? { type: 'reasoning', text: block.thinking, state } : { type: 'reasoning', text: block.thinking };
  }
  if (block.type === 'redacted_thinking') {
    const state = redactedState(block.data);
    return state ? { type: 'reasoning', text: '', state } : null;
  }
  if (block.type === 'tool_use' && typeof block.name === 'string') {
    return {
      type: 'tool-call',
      id: typeof block.id === 'string' ? block.id : '',
      name: block.name,
      arguments: JSON.stringify(isPlainObject(block.input) ? block.input : {}),
    };
  }
  return null;
}

export function readAnthropicResponse(text: string): Result<CanonicalResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body) || !Array.isArray(body.content)) return { ok: false, error: malformedUpstream('not an Anthropic message') };
  const parts: ResponsePart[] = [];
  for (const block of body.content as unknown[]) {
    const part = isPlainObject(block) ? readBlock(block) : null;
    if (part) parts.push(part);
  }
  return {
    ok: true,
    value: { parts, finish_reason: mapAnthropicStopReason(body.stop_reason), usage: convertAnthropicUsage(body.usage) },
  };
}

/** Anthropic clients see thinking blocks only when they turned thinking on (enabled, adaptive or a newer mode). */
export function wantsThinking(inbound: AnthropicInbound): boolean {
  const thinking = inbound.request.thinking;
  return thinking !== undefined && thinking.type !== 'disabled';
}

/**
 * The block that carries reasoning to an Anthropic client: Anthropic's own redacted state as
 * redacted_thinking; otherwise a thinking block whose signature is the state for this client
 * (raw when Anthropic made it, else the envelope), or '' when there is none.
 */
export function thinkingBlock(text: string, state: ReasoningState | undefined): Record<string, unknown> {
  if (state?.dialect === 'anthropic' && state.kind === 'redacted') return { type: 'redacted_thinking', data: state.value };
  return { type: 'thinking', thinking: text, signature: state ? stateForClient('anthropic', state) : '' };
}

export function renderAnthropicResponse(response: CanonicalResponse, inbound: AnthropicInbound, context: ResponseContext): string {
  const showThinking = wantsThinking(inbound);
  let toolIndex = 0;
  const content: Record<string, unknown>[] = [];
  for (const part of response.parts) {
    if (part.type === 'reasoning') {
      if (showThinking) content.push(thinkingBlock(part.text, part.state));
      continue;
    }
    // Another dialect's state on a text or tool-call part (Gemini) rides in a thinking block before it.
    if (showThinking && part.state !== undefined) content.push(thinkingBlock('', part.state));
    if (part.type === 'text') content.push({ type: 'text', text: part.text });
    else {
      const input = parseToolArguments(part.arguments);
      content.push({
        type: 'tool_use',
        id: ids.anthropicToolUse(context.request_id, toolIndex),
        name: part.name,
        // Unreadable arguments are refused before rendering (see checkToolArguments); {} is only a last resort.
        input: input.ok ? input.value : {},
      });
      toolIndex += 1;
    }
  }
  return JSON.stringify({
    id: ids.anthropicMessage(context.request_id),
    type: 'message',
    role: 'assistant',
    model: context.model,
    content,
    stop_reason: toAnthropicStopReason(response.finish_reason ?? 'stop'),
    stop_sequence: null,
    usage: toAnthropicUsage(response.usage ?? EMPTY_USAGE),
  });
}

/**
 * A canonical answer whose tool arguments are not a JSON object is a bad upstream answer
 * (every provider defines arguments as an object): the pipeline should log and retry it
 * rather than render `{}`. Meant to run right after an upstream's readResponse.
 */
export function checkToolArguments(response: CanonicalResponse): Result<CanonicalResponse> {
  for (const part of response.parts) {
    if (part.type === 'tool-call' && !parseToolArguments(part.arguments).ok) {
      return { ok: false, error: malformedUpstream('tool call arguments are not a JSON object') };
    }
  }
  return { ok: true, value: response };
}

export function passthroughAnthropicResponse(
  _inbound: InboundRequest,
  text: string,
  context: ResponseContext,
): Result<TranslatedResponse> {
  const answer = editedAnswer(text, { model: context.model }, {});
  if (!answer.ok) return answer;
  const { object, body } = answer.value;
  return { ok: true, value: { body, usage: convertAnthropicUsage(object.usage), finish_reason: mapAnthropicStopReason(object.stop_reason) } };
}
