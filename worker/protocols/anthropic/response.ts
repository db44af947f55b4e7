// Anthropic non-streaming responses: read an upstream message into the canonical model,
// render the canonical model as a message, or pass a same-dialect message through.
import type { CanonicalResponse, ResponsePart } from '../canonical';
import type { InboundRequest, ResponseContext, Result, TranslatedResponse } from '../types';
import { ids } from '../shared/ids';
import { editResponseObject } from '../shared/passthrough-body';
import { malformedUpstream, parseJson } from '../shared/upstream-failure';
import { isPlainObject } from '../shared/validation';
import { convertAnthropicUsage, mapAnthropicStopReason, toAnthropicStopReason, toAnthropicUsage } from './mapping';

export function readAnthropicResponse(text: string): Result<CanonicalResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body) || !Array.isArray(body.content)) return { ok: false, error: malformedUpstream('not an Anthropic message') };
  const parts: ResponsePart[] = [];
  for (const block of body.content as unknown[]) {
    if (!isPlainObject(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'thinking' && typeof block.thinking === 'string') parts.push({ type: 'reasoning', text: block.thinking });
    else if (block.type === 'tool_use' && typeof block.name === 'string') {
      parts.push({
        type: 'tool-call',
        id: typeof block.id === 'string' ? block.id : '',
        name: block.name,
        arguments: JSON.stringify(isPlainObject(block.input) ? block.input : {}),
      });
    }
  }
  return {
    ok: true,
    value: { parts, finish_reason: mapAnthropicStopReason(body.stop_reason), usage: convertAnthropicUsage(body.usage) },
  };
}

/** Anthropic clients see thinking blocks only when they asked for thinking. */
export function wantsThinking(inbound: InboundRequest): boolean {
  const thinking = inbound.body.thinking;
  return isPlainObject(thinking) && thinking.type === 'enabled';
}

export function renderAnthropicResponse(response: CanonicalResponse, inbound: InboundRequest, context: ResponseContext): string {
  const showThinking = wantsThinking(inbound);
  let toolIndex = 0;
  const content: Record<string, unknown>[] = [];
  for (const part of response.parts) {
    if (part.type === 'text') content.push({ type: 'text', text: part.text });
    else if (part.type === 'reasoning') {
      if (showThinking) content.push({ type: 'thinking', thinking: part.text, signature: '' });
    } else {
      let input: unknown;
      try {
        input = JSON.parse(part.arguments);
      } catch {
        input = {};
      }
      content.push({
        type: 'tool_use',
        id: ids.anthropicToolUse(context.request_id, toolIndex),
        name: part.name,
        input: isPlainObject(input) ? input : {},
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
    usage: toAnthropicUsage(response.usage ?? { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, reasoning_tokens: 0 }),
  });
}

export function passthroughAnthropicResponse(
  _inbound: InboundRequest,
  text: string,
  context: ResponseContext,
): Result<TranslatedResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body)) return { ok: false, error: malformedUpstream('not a JSON object') };
  const edited = editResponseObject(text, { model: context.model }, {});
  if (edited === null) return { ok: false, error: malformedUpstream('not a JSON object') };
  return {
    ok: true,
    value: { body: edited, usage: convertAnthropicUsage(body.usage), finish_reason: mapAnthropicStopReason(body.stop_reason) },
  };
}
