// OpenAI as the client's format: validate the body into an InboundRequest.
import type { OpenaiInbound } from '../inbound';
import type { Result, RouteContext } from '../types';
import { estimateTokens } from '../shared/estimate';
import { isPlainObject, validate } from '../shared/validation';
import { openaiChatRequest, openaiEmbeddingRequest, type OpenaiChatRequest } from './request-schema';

const notAnObject = { ok: false as const, error: { kind: 'invalid_request' as const, message: 'The request body must be a JSON object.' } };

export function chatCapabilities(request: OpenaiChatRequest): string[] {
  const capabilities: string[] = [];
  if (request.tools && request.tools.length > 0) capabilities.push('tools');
  const vision = request.messages.some(
    (message) => message.role === 'user' && Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url'),
  );
  if (vision) capabilities.push('vision');
  const format = request.response_format?.type;
  if (format === 'json_object' || format === 'json_schema') capabilities.push('json_mode');
  return capabilities;
}

export function parseOpenaiInbound(body: unknown, raw: string, route: RouteContext): Result<OpenaiInbound> {
  if (!isPlainObject(body)) return notAnObject;
  if (route.operation === 'embed') {
    const parsed = validate(openaiEmbeddingRequest, body);
    if (!parsed.ok) return parsed;
    return {
      ok: true,
      value: {
        protocol: 'openai',
        operation: 'embed',
        model: parsed.value.model,
        stream: false,
        include_usage: false,
        body,
        raw,
        request: parsed.value,
        capabilities: [],
        input_tokens_estimate: estimateTokens(parsed.value.input),
        max_output_tokens: null,
        bound_dialect: null,
        headers: route.headers ?? {},
        query: route.query ?? '',
      },
    };
  }
  const parsed = validate(openaiChatRequest, body);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  return {
    ok: true,
    value: {
      protocol: 'openai',
      operation: route.operation,
      model: request.model,
      stream: request.stream === true,
      include_usage: request.stream === true && request.stream_options?.include_usage === true,
      body,
      raw,
      request,
      capabilities: chatCapabilities(request),
      input_tokens_estimate: estimateTokens(body.messages) + estimateTokens(body.tools ?? null),
      max_output_tokens: request.max_completion_tokens ?? request.max_tokens ?? null,
      bound_dialect: null,
      headers: route.headers ?? {},
      query: route.query ?? '',
    },
  };
}
