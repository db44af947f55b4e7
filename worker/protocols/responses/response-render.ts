// The canonical answer as a Responses API `response` object, plus the item and object
// builders the stream encoder shares, so a streamed answer's final object is byte-for-byte
// what the same answer renders to unstreamed.
import { declaredName } from './tool-names';
import type { Usage } from '../../core/types';
import { usageCost } from '../../core/metering';
import type { CanonicalResponse, ReasoningState, ResponsePart } from '../canonical';
import type { ResponsesInbound } from '../inbound';
import type { ResponseContext } from '../types';
import { deriveId, ids } from '../shared/ids';
import { stateForClient } from '../shared/reasoning-state';
import { toResponsesStatus, toResponsesUsage } from './mapping';

export type Item = Record<string, unknown>;
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export const itemIds = {
  response: (requestId: string) => deriveId('resp_', requestId),
  message: (requestId: string, outputIndex: number) => deriveId('msg_', requestId, `item:${outputIndex}`),
  reasoning: (requestId: string, outputIndex: number) => deriveId('rs_', requestId, `item:${outputIndex}`),
  functionCall: (requestId: string, callIndex: number) => deriveId('fc_', requestId, `tool:${callIndex}`),
  callId: (requestId: string, callIndex: number) => ids.openaiToolCall(requestId, callIndex),
};

export function outputTextPart(text: string): Item {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function messageItem(id: string, status: ItemStatus, content: Item[]): Item {
  return { id, type: 'message', status, content, role: 'assistant' };
}

export function reasoningItem(id: string, text: string | null, state: ReasoningState | undefined): Item {
  const item: Item = { id, type: 'reasoning', summary: text === null || text === '' ? [] : [{ type: 'summary_text', text }] };
  if (state !== undefined) item.encrypted_content = stateForClient('openai-responses', state);
  return item;
}

/** Arguments stay exactly as the model wrote them, valid JSON or not: the wire carries text. */
export function functionCallItem(id: string, status: ItemStatus, callId: string, name: { name: string; namespace?: string }, argumentsText: string): Item {
  const item: Item = { id, type: 'function_call', status, arguments: argumentsText, call_id: callId, name: name.name };
  if (name.namespace !== undefined) item.namespace = name.namespace;
  return item;
}

/** Reasoning items appear when the caller asked for them, or when they carry state it must send back. */
export function wantsReasoning(inbound: ResponsesInbound): boolean {
  const request = inbound.request;
  const summary = request.reasoning?.summary;
  return (summary !== undefined && summary !== null) || (request.include ?? []).includes('reasoning.encrypted_content');
}

/** The request's settings as a response echoes them (OpenAI's defaults when absent). */
export function requestEcho(inbound: ResponsesInbound): Item {
  const request = inbound.request;
  return {
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: request.max_tool_calls ?? null,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    safety_identifier: request.safety_identifier ?? null,
    service_tier: 'default',
    // Nothing is ever stored, whatever `store` asked for.
    store: false,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' }, verbosity: request.text?.verbosity ?? 'medium' },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_logprobs: request.top_logprobs ?? 0,
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

export interface ResponseState {
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  output: Item[];
  usage: Usage | null;
  error?: { code: string; message: string } | null;
  incomplete_details?: { reason: string } | null;
}

/** The `response` object in OpenAI's field order; `provider` is our convention, as on Chat. */
export function responseObject(echo: Item, context: ResponseContext, state: ResponseState): Item {
  const { instructions, max_output_tokens, max_tool_calls, user, metadata, ...rest } = echo;
  const object: Item = {
    id: itemIds.response(context.request_id),
    object: 'response',
    created_at: Math.floor(context.created_ms / 1000),
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incomplete_details ?? null,
    instructions,
    max_output_tokens,
    max_tool_calls,
    model: context.model,
    output: state.output,
    ...rest,
    usage: state.usage === null ? null : toResponsesUsage(state.usage, usageCost(state.usage, context.price)),
    user,
    metadata,
    provider: context.channel_id,
  };
  if (state.usage === null && state.status !== 'in_progress') delete object.usage;
  return object;
}

/** Canonical parts as output items: runs of text make one message, each call one item. */
export function outputItems(parts: ResponsePart[], inbound: ResponsesInbound, requestId: string, status: ItemStatus): Item[] {
  const showReasoning = wantsReasoning(inbound);
  const items: Item[] = [];
  let text: string[] | null = null;
  let callIndex = 0;
  const closeText = (): void => {
    if (text === null) return;
    items.push(messageItem(itemIds.message(requestId, items.length), status, [outputTextPart(text.join(''))]));
    text = null;
  };
  for (const part of parts) {
    if (part.type === 'reasoning') {
      if (!showReasoning && part.state === undefined) continue;
      closeText();
      items.push(reasoningItem(itemIds.reasoning(requestId, items.length), part.text, part.state));
      continue;
    }
    // Opaque state tied to a text or call part (Gemini) travels in a reasoning item just before it.
    if (part.state !== undefined) {
      closeText();
      items.push(reasoningItem(itemIds.reasoning(requestId, items.length), null, part.state));
    }
    if (part.type === 'text') {
      text ??= [];
      text.push(part.text);
    } else {
      closeText();
      const id = itemIds.functionCall(requestId, callIndex);
      items.push(functionCallItem(id, 'completed', itemIds.callId(requestId, callIndex), declaredName(inbound, part.name), part.arguments));
      callIndex += 1;
    }
  }
  closeText();
  return items;
}

export function renderResponsesResponse(response: CanonicalResponse, inbound: ResponsesInbound, context: ResponseContext): string {
  const { status, incomplete_details } = toResponsesStatus(response.finish_reason ?? 'stop');
  const output = outputItems(response.parts, inbound, context.request_id, status === 'incomplete' ? 'incomplete' : 'completed');
  return JSON.stringify(responseObject(requestEcho(inbound), context, { status, output, usage: response.usage, incomplete_details }));
}
