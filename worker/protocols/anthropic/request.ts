// Anthropic as the client's format: validate the body into an InboundRequest.
import type { ReasoningState } from '../canonical';
import type { AnthropicInbound } from '../inbound';
import type { Result, RouteContext } from '../types';
import { estimateTokens } from '../shared/estimate';
import { newestStateDialect, stateFromClient } from '../shared/reasoning-state';
import { isPlainObject, validate } from '../shared/validation';
import {
  anthropicCountTokensRequest,
  anthropicMessagesRequest,
  knownBlockOf,
  type AnthropicCountTokensRequest,
  type AnthropicMessage,
  type KnownBlock,
} from './request-schema';

function capabilities(request: Pick<AnthropicCountTokensRequest, 'tools' | 'messages'>): string[] {
  const output: string[] = [];
  if (request.tools && request.tools.length > 0) output.push('tools');
  const vision = request.messages.some(
    (message) =>
      Array.isArray(message.content) &&
      message.content.some((item) => {
        const block = knownBlockOf(item);
        if (block?.type === 'image') return true;
        return block?.type === 'tool_result' && Array.isArray(block.content) && block.content.some((part) => part.type === 'image');
      }),
  );
  if (vision) output.push('vision');
  return output;
}

/**
 * The opaque state a thinking or redacted_thinking block carries, read as the client sent it
 * (raw Anthropic state, or another dialect's state in our envelope). An empty signature is none.
 */
export function blockState(block: KnownBlock): ReasoningState | undefined {
  if (block.type === 'thinking') {
    return block.signature ? stateFromClient('anthropic', block.signature, { kind: 'signature' }) : undefined;
  }
  if (block.type === 'redacted_thinking') {
    return block.data === '' ? undefined : stateFromClient('anthropic', block.data, { kind: 'redacted' });
  }
  return undefined;
}

function* historyStates(messages: AnthropicMessage[]): Generator<ReasoningState | undefined> {
  for (const message of messages) {
    if (message.role !== 'assistant' || !Array.isArray(message.content)) continue;
    for (const item of message.content) {
      const block = knownBlockOf(item);
      if (block) yield blockState(block);
    }
  }
}

export function parseAnthropicInbound(body: unknown, raw: string, route: RouteContext): Result<AnthropicInbound> {
  if (!isPlainObject(body)) {
    return { ok: false, error: { kind: 'invalid_request', message: 'The request body must be a JSON object.' } };
  }
  if (route.operation === 'embed') {
    return { ok: false, error: { kind: 'not_found', message: 'Anthropic has no embeddings route.' } };
  }
  // What both request shapes (Messages, count_tokens) carry.
  const common = (request: AnthropicCountTokensRequest) => ({
    protocol: 'anthropic' as const,
    model: request.model,
    body,
    raw,
    capabilities: capabilities(request),
    input_tokens_estimate: estimateTokens(body.messages) + estimateTokens(body.system ?? null) + estimateTokens(body.tools ?? null),
    bound_dialect: newestStateDialect(historyStates(request.messages)),
    headers: route.headers ?? {},
    query: route.query ?? '',
  });
  if (route.operation === 'count_tokens') {
    const parsed = validate(anthropicCountTokensRequest, body);
    if (!parsed.ok) return parsed;
    const request = parsed.value;
    return { ok: true, value: { ...common(request), operation: 'count_tokens', request, stream: false, include_usage: false, max_output_tokens: null } };
  }
  const parsed = validate(anthropicMessagesRequest, body);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  const stream = request.stream === true;
  return {
    ok: true,
    value: { ...common(request), operation: 'generate', request, stream, include_usage: stream, max_output_tokens: request.max_tokens },
  };
}
