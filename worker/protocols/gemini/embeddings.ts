// Gemini embeddings across dialects. As the upstream: canonical inputs → `:batchEmbedContents`
// (one call whatever the client's method), vectors validated on the way back. As the client's
// format: `:embedContent` ({content}) and `:batchEmbedContents` ({requests}) → canonical, and
// vectors rendered as `{embedding:{values}}` or `{embeddings:[{values}]}`.
import type { CanonicalEmbeddingRequest, CanonicalEmbeddingResponse } from '../canonical';
import type { GeminiInbound } from '../inbound';
import type { Result, UpstreamRequest, UpstreamTarget } from '../types';
import { malformedUpstream, parseJson } from '../shared/upstream-failure';
import { isPlainObject, numberVector, unsupported, wrongOperation } from '../shared/validation';
import { embedText, stripModelPrefix } from './request';
import type { GeminiEmbedRequest } from './request-schema';
import { geminiHeaders, geminiUrl } from './request-build';

export function buildGeminiEmbeddingsRequest(request: CanonicalEmbeddingRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  const model = `models/${stripModelPrefix(target.upstream_model)}`;
  const requests = request.inputs.map((text) => {
    const item: Record<string, unknown> = { model, content: { parts: [{ text }] } };
    if (request.dimensions !== null) item.outputDimensionality = request.dimensions;
    return item;
  });
  return {
    ok: true,
    value: {
      url: geminiUrl(target.base_url, target.upstream_model, 'batchEmbedContents'),
      headers: geminiHeaders(target.api_key),
      body: JSON.stringify({ requests }),
    },
  };
}

export function readGeminiEmbeddings(text: string, request: CanonicalEmbeddingRequest): Result<CanonicalEmbeddingResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body)) return { ok: false, error: malformedUpstream('no embeddings') };
  // `:embedContent` answers {embedding}, `:batchEmbedContents` answers {embeddings}.
  const items: unknown[] = Array.isArray(body.embeddings) ? (body.embeddings as unknown[]) : body.embedding !== undefined ? [body.embedding] : [];
  if (items.length === 0) return { ok: false, error: malformedUpstream('no embeddings') };
  const vectors: number[][] = [];
  for (const item of items) {
    const vector = isPlainObject(item) ? numberVector(item.values) : null;
    if (vector === null) return { ok: false, error: malformedUpstream('an embedding is not a list of numbers') };
    vectors.push(vector);
  }
  if (vectors.length !== request.inputs.length) return { ok: false, error: malformedUpstream('embedding count mismatch') };
  // Gemini reports no token usage for embeddings: null lets the pipeline estimate it.
  return { ok: true, value: { vectors, usage: null } };
}

/** A Gemini client's embedding request as canonical (for an OpenAI-compatible channel). */
export function geminiEmbeddingsToCanonical(inbound: GeminiInbound): Result<CanonicalEmbeddingRequest> {
  if (inbound.operation !== 'embed') return wrongOperation(inbound.operation);
  const items: GeminiEmbedRequest[] = inbound.batch ? inbound.request.requests : [inbound.request];
  const dimensions = new Set(items.map((item) => item.outputDimensionality ?? null));
  if (dimensions.size > 1) {
    return unsupported('requests', 'All requests of one batch must ask for the same outputDimensionality on this channel.');
  }
  const [only] = dimensions;
  return { ok: true, value: { inputs: items.map(embedText), dimensions: only ?? null } };
}

export function renderGeminiEmbeddings(response: CanonicalEmbeddingResponse, inbound: GeminiInbound): string {
  if (inbound.operation === 'embed' && inbound.batch) return JSON.stringify({ embeddings: response.vectors.map((values) => ({ values })) });
  return JSON.stringify({ embedding: { values: response.vectors[0] ?? [] } });
}
