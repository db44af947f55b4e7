// Canonical request → an Anthropic Messages upstream request; and same-dialect passthrough.
import type { CanonicalMessage, CanonicalRequest, ImageSource } from '../canonical';
import type { InboundRequest, Result, UpstreamRequest, UpstreamTarget } from '../types';
import { joinUrl } from '../shared/upstream-http';
import { imageFromUrl } from '../shared/images';
import { passthroughBody } from '../shared/passthrough-body';
import { budgetForEffort } from '../shared/reasoning-effort';
import { stateForUpstream } from '../shared/reasoning-state';
import { parseToolArguments } from '../shared/tool-arguments';
import { mergeTurns, toolResultsFirst, type Turn } from '../shared/turns';
import { invalid, unsupported } from '../shared/validation';

/** Anthropic requires max_tokens; used when the client gave none. */
export const DEFAULT_MAX_TOKENS = 4096;
const MIN_THINKING_BUDGET = 1024;

export function anthropicHeaders(apiKey: string): Record<string, string> {
  return { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
}

/** Client headers an Anthropic channel honours: the beta flags, and the API version the body was written for. */
const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta'] as const;

/**
 * Same dialect only: the client's `anthropic-beta` and `anthropic-version` (which replaces
 * our default only when sent), since betas change what the body means (context management,
 * effort, interleaved thinking). Other dialects' builders never read them.
 */
export function passthroughHeaders(apiKey: string, inbound: InboundRequest): Record<string, string> {
  const headers = anthropicHeaders(apiKey);
  for (const name of FORWARDED_HEADERS) {
    const value = inbound.headers[name];
    if (value !== undefined && value !== '') headers[name] = value;
  }
  return headers;
}

/** The Messages URL with the client's query (Claude Code sends `?beta=true`). */
export function messagesUrl(baseUrl: string, query: string): string {
  const url = joinUrl(baseUrl, '/v1/messages');
  const trimmed = query.replace(/^\?/, '');
  return trimmed === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${trimmed}`;
}

function imageBlock(source: ImageSource): Record<string, unknown> {
  const resolved = source.kind === 'url' ? imageFromUrl(source.url) : source;
  return resolved.kind === 'url'
    ? { type: 'image', source: { type: 'url', url: resolved.url } }
    : { type: 'image', source: { type: 'base64', media_type: resolved.media_type, data: resolved.data } };
}

function convertMessage(message: CanonicalMessage, index: number): Result<Record<string, unknown>[]> {
  const blocks: Record<string, unknown>[] = [];
  if (message.role === 'assistant') {
    for (const [partIndex, part] of message.parts.entries()) {
      if (part.type === 'text') {
        if (part.text !== '') blocks.push({ type: 'text', text: part.text });
      } else if (part.type === 'reasoning') {
        // Anthropic rejects thinking without its own signature: reasoning without Anthropic state is dropped.
        const state = stateForUpstream('anthropic', part.state);
        if (state?.kind === 'redacted') blocks.push({ type: 'redacted_thinking', data: state.value });
        else if (state !== undefined) blocks.push({ type: 'thinking', thinking: part.text, signature: state.value });
      } else {
        const input = parseToolArguments(part.arguments);
        if (!input.ok) {
          return invalid(`messages[${index}].tool_calls[${partIndex}].function.arguments`, 'Tool call arguments must be a JSON object.');
        }
        blocks.push({ type: 'tool_use', id: part.id, name: part.name, input: input.value });
      }
    }
    return { ok: true, value: blocks };
  }
  for (const part of toolResultsFirst(message.parts)) {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text });
      continue;
    }
    if (part.type === 'image') {
      blocks.push(imageBlock(part.source));
      continue;
    }
    const content = part.content.map((item) => (item.type === 'text' ? { type: 'text', text: item.text } : imageBlock(item.source)));
    const only = content[0];
    const block: Record<string, unknown> = {
      type: 'tool_result',
      tool_use_id: part.tool_call_id,
      content: content.length === 1 && only?.type === 'text' ? only.text : content,
    };
    if (part.is_error) block.is_error = true;
    blocks.push(block);
  }
  return { ok: true, value: blocks };
}

function thinkingConfig(request: CanonicalRequest, maxTokens: number): Record<string, unknown> | null {
  if (!request.reasoning) return null;
  let budget = request.reasoning.budget_tokens ?? budgetForEffort(request.reasoning.effort);
  if (budget === null) return null;
  // The budget must leave room for an answer within max_tokens.
  if (budget >= maxTokens) budget = maxTokens - 1;
  if (budget < MIN_THINKING_BUDGET) return null;
  return { type: 'enabled', budget_tokens: budget };
}

export function buildAnthropicBody(request: CanonicalRequest, model: string): Result<Record<string, unknown>> {
  if (request.response_format && request.response_format.type !== 'text') {
    return unsupported('response_format', 'JSON response formats cannot be sent to an Anthropic channel.');
  }
  const turns: Turn<string, Record<string, unknown>>[] = [];
  for (const [index, message] of request.messages.entries()) {
    const converted = convertMessage(message, index);
    if (!converted.ok) return converted;
    turns.push({ role: message.role, items: converted.value });
  }
  const messages = mergeTurns(turns).map((turn) => ({ role: turn.role, content: turn.items }));
  const maxTokens = request.max_output_tokens ?? DEFAULT_MAX_TOKENS;
  const body: Record<string, unknown> = { model, max_tokens: maxTokens, messages };
  if (request.system !== null && request.system !== '') body.system = request.system;
  if (request.temperature !== null) body.temperature = Math.min(1, request.temperature);
  if (request.top_p !== null) body.top_p = request.top_p;
  if (request.top_k !== null) body.top_k = request.top_k;
  if (request.stop.length > 0) body.stop_sequences = request.stop;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: tool.parameters,
    }));
  }
  const choice = request.tool_choice;
  if (choice || (request.parallel_tool_calls === false && request.tools.length > 0)) {
    const type = choice?.type ?? 'auto';
    const toolChoice: Record<string, unknown> =
      type === 'required' ? { type: 'any' } : choice?.type === 'tool' ? { type: 'tool', name: choice.name } : { type };
    if (request.parallel_tool_calls === false && type !== 'none') toolChoice.disable_parallel_tool_use = true;
    body.tool_choice = toolChoice;
  }
  const thinking = thinkingConfig(request, maxTokens);
  if (thinking) body.thinking = thinking;
  if (request.user !== null) body.metadata = { user_id: request.user };
  if (request.stream) body.stream = true;
  return { ok: true, value: body };
}

export function buildAnthropicRequest(request: CanonicalRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  const body = buildAnthropicBody(request, target.upstream_model);
  if (!body.ok) return body;
  return {
    ok: true,
    value: { url: joinUrl(target.base_url, '/v1/messages'), headers: anthropicHeaders(target.api_key), body: JSON.stringify(body.value) },
  };
}

export function passthroughAnthropicRequest(inbound: InboundRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  const body = passthroughBody(inbound.raw, { model: target.upstream_model });
  if (!body.ok) return body;
  return {
    ok: true,
    value: { url: messagesUrl(target.base_url, inbound.query), headers: passthroughHeaders(target.api_key, inbound), body: body.value },
  };
}
