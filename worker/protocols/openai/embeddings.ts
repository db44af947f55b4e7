// OpenAI embeddings as the client's format when the channel is another dialect.
import type { CanonicalEmbeddingRequest, CanonicalEmbeddingResponse } from '../canonical';
import type { InboundRequest, ResponseContext, Result } from '../types';
import { unsupported } from '../shared/validation';
import type { OpenaiEmbeddingRequest } from './request-schema';

export function openaiEmbeddingsToCanonical(inbound: InboundRequest): Result<CanonicalEmbeddingRequest> {
  const request = inbound.body as OpenaiEmbeddingRequest;
  const input = request.input;
  const inputs = typeof input === 'string' ? [input] : input;
  if (!inputs.every((item): item is string => typeof item === 'string')) {
    return unsupported('input', 'Token-id inputs can only be embedded by an OpenAI-compatible channel.');
  }
  return { ok: true, value: { inputs, dimensions: request.dimensions ?? null } };
}

/** Float32 little-endian bytes, base64: what `encoding_format: "base64"` returns. */
export function vectorToBase64(vector: number[]): string {
  const bytes = new Uint8Array(new Float32Array(vector).buffer);
  let binary = '';
  for (let index = 0; index < bytes.length; index += 1) binary += String.fromCharCode(bytes[index] as number);
  return btoa(binary);
}

export function renderOpenaiEmbeddings(response: CanonicalEmbeddingResponse, inbound: InboundRequest, context: ResponseContext): string {
  const base64 = (inbound.body as OpenaiEmbeddingRequest).encoding_format === 'base64';
  const tokens = response.usage?.input_tokens ?? 0;
  return JSON.stringify({
    object: 'list',
    data: response.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? vectorToBase64(vector) : vector })),
    model: context.model,
    provider: context.channel_id,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}
