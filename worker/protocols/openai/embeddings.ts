// OpenAI embeddings across dialects: as the client's format when the channel is another
// dialect, and as the upstream (`/v1/embeddings`) for another format's client.
import { usageCost, usageOf } from '../../core/metering';
import type { CanonicalEmbeddingRequest, CanonicalEmbeddingResponse } from '../canonical';
import type { OpenaiInbound } from '../inbound';
import type { ResponseContext, Result, UpstreamRequest, UpstreamTarget } from '../types';
import { tokenCount } from '../shared/token-count';
import { malformedUpstream, parseJson } from '../shared/upstream-failure';
import { isPlainObject, numberVector, unsupported, wrongOperation } from '../shared/validation';
import { joinUrl, openaiHeaders } from '../shared/upstream-http';

export function openaiEmbeddingsToCanonical(inbound: OpenaiInbound): Result<CanonicalEmbeddingRequest> {
  if (inbound.operation !== 'embed') return wrongOperation(inbound.operation);
  const request = inbound.request;
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

export function renderOpenaiEmbeddings(response: CanonicalEmbeddingResponse, inbound: OpenaiInbound, context: ResponseContext): string {
  const base64 = inbound.operation === 'embed' && inbound.request.encoding_format === 'base64';
  const tokens = response.usage?.input_tokens ?? 0;
  const usage: Record<string, number> = { prompt_tokens: tokens, total_tokens: tokens };
  // Only a reported usage has a known charge; an estimated one is settled by the pipeline.
  if (response.usage) usage.cost = usageCost(response.usage, context.price);
  return JSON.stringify({
    object: 'list',
    data: response.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? vectorToBase64(vector) : vector })),
    model: context.model,
    provider: context.channel_id,
    usage,
  });
}

export function buildOpenaiEmbeddingsRequest(request: CanonicalEmbeddingRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  const body: Record<string, unknown> = { model: target.upstream_model, input: request.inputs, encoding_format: 'float' };
  if (request.dimensions !== null) body.dimensions = request.dimensions;
  return {
    ok: true,
    value: { url: joinUrl(target.base_url, '/v1/embeddings'), headers: openaiHeaders(target.api_key), body: JSON.stringify(body) },
  };
}

/** An OpenAI-compatible embeddings answer, every vector checked to be numbers, in input order. */
export function readOpenaiEmbeddings(text: string, request: CanonicalEmbeddingRequest): Result<CanonicalEmbeddingResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body) || !Array.isArray(body.data)) return { ok: false, error: malformedUpstream('no embeddings') };
  const vectors: number[][] = [];
  let filled = 0;
  for (const [position, item] of (body.data as unknown[]).entries()) {
    const vector = isPlainObject(item) ? numberVector(item.embedding) : null;
    if (vector === null || !isPlainObject(item)) return { ok: false, error: malformedUpstream('an embedding is not a list of numbers') };
    const index = typeof item.index === 'number' ? item.index : position;
    if (!Number.isInteger(index) || index < 0 || index >= request.inputs.length || vectors[index] !== undefined) {
      return { ok: false, error: malformedUpstream('embedding indexes do not match the inputs') };
    }
    vectors[index] = vector;
    filled += 1;
  }
  if (filled !== request.inputs.length) {
    return { ok: false, error: malformedUpstream('embedding count mismatch') };
  }
  const usage = isPlainObject(body.usage) ? usageOf({ input_tokens: tokenCount(body.usage.prompt_tokens) }) : null;
  return { ok: true, value: { vectors, usage } };
}
