// Anthropic as the client's format: validate the body into an InboundRequest.
import type { InboundRequest, Result, RouteContext } from '../types';
import { estimateTokens } from '../shared/estimate';
import { isPlainObject, validate } from '../shared/validation';
import { anthropicCountTokensRequest, anthropicMessagesRequest, type AnthropicMessagesRequest } from './request-schema';

function capabilities(request: Pick<AnthropicMessagesRequest, 'tools' | 'messages'>): string[] {
  const output: string[] = [];
  if (request.tools && request.tools.length > 0) output.push('tools');
  const vision = request.messages.some(
    (message) =>
      Array.isArray(message.content) &&
      message.content.some(
        (block) =>
          block.type === 'image' ||
          (block.type === 'tool_result' && Array.isArray(block.content) && block.content.some((item) => item.type === 'image')),
      ),
  );
  if (vision) output.push('vision');
  return output;
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
      bound_dialect: null,
      headers: route.headers ?? {},
      query: route.query ?? '',
    },
  };
}

export function messagesBody(body: Record<string, unknown>): AnthropicMessagesRequest {
  return body as AnthropicMessagesRequest;
}
