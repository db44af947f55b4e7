// OpenAI client → OpenAI-compatible upstream: the client's bytes with the model swapped and,
// for streams, usage reporting forced on.
import type { InboundRequest, Result, UpstreamRequest, UpstreamTarget } from '../types';
import { passthroughBody } from '../shared/passthrough-body';
import { joinUrl, openaiHeaders } from '../shared/upstream-http';

export function openaiPath(operation: InboundRequest['operation']): string {
  return operation === 'embed' ? '/v1/embeddings' : '/v1/chat/completions';
}

export function passthroughOpenaiRequest(inbound: InboundRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  const body = passthroughBody(inbound.raw, {
    model: target.upstream_model,
    include_usage: inbound.operation !== 'embed' && inbound.stream,
  });
  if (!body.ok) return body;
  return {
    ok: true,
    value: { url: joinUrl(target.base_url, openaiPath(inbound.operation)), headers: openaiHeaders(target.api_key), body: body.value },
  };
}
