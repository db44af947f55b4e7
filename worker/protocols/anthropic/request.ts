// Anthropic as the client's format: validate the body into an InboundRequest.
import type { ReasoningState } from '../canonical';
import type { InboundRequest, Result, RouteContext } from '../types';
import { estimateTokens } from '../shared/estimate';
import { newestStateDialect, stateFromClient } from '../shared/reasoning-state';
import { isPlainObject, validate } from '../shared/validation';
import {
  anthropicCountTokensRequest,
  anthropicMessagesRequest,
  knownBlockOf,
  type AnthropicMessage,
  type AnthropicMessagesRequest,
  type KnownBlock,
} from './request-schema';

function capabilities(request: Pick<AnthropicMessagesRequest, 'tools' | 'messages'>): string[] {
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

export function parseAnthropicInbound(body: unknown, raw: string, route: RouteContext): Result<InboundRequest> {
  if (!isPlainObject(body)) {
    return { ok: false, error: { kind: 'invalid_request', message: 'The request body must be a JSON object.' } };
  }
  if (route.operation === 'embed') {
    return { ok: false, error: { kind: 'not_found', message: 'Anthropic has no embeddings route.' } };
  }
  const schema = route.operation === 'count_tokens' ? anthropicCountTokensRequest : anthropicMessagesRequest;
  const parsed = validate(schema, body);
  if (!parsed.ok) return parsed;
  const request = parsed.value as AnthropicMessagesRequest;
  const stream = route.operation === 'generate' && request.stream === true;
  return {
    ok: true,
    value: {
      protocol: 'anthropic',
      operation: route.operation,
      model: request.model,
      stream,
      include_usage: stream,
      body,
      raw,
      capabilities: capabilities(request),
      input_tokens_estimate: estimateTokens(body.messages) + estimateTokens(body.system ?? null) + estimateTokens(body.tools ?? null),
      max_output_tokens: route.operation === 'generate' ? request.max_tokens : null,
      bound_dialect: newestStateDialect(historyStates(request.messages)),
      headers: route.headers ?? {},
      query: route.query ?? '',
    },
  };
}

export function messagesBody(body: Record<string, unknown>): AnthropicMessagesRequest {
  return body as AnthropicMessagesRequest;
}
