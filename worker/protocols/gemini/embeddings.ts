// Gemini as the upstream for embeddings: `:batchEmbedContents`.
import type { CanonicalEmbeddingRequest, CanonicalEmbeddingResponse } from '../canonical';
import type { Result, UpstreamRequest, UpstreamTarget } from '../types';
import { malformedUpstream, parseJson } from '../shared/upstream-failure';
import { isPlainObject } from '../shared/validation';
import { stripModelPrefix } from './request';
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
  if (!isPlainObject(body) || !Array.isArray(body.embeddings)) return { ok: false, error: malformedUpstream('no embeddings') };
  const vectors: number[][] = [];
  for (const item of body.embeddings as unknown[]) {
    if (!isPlainObject(item) || !Array.isArray(item.values)) return { ok: false, error: malformedUpstream('bad embedding') };
    vectors.push(item.values as number[]);
  }
  if (vectors.length !== request.inputs.length) return { ok: false, error: malformedUpstream('embedding count mismatch') };
  // Gemini reports no token usage for embeddings: null lets the pipeline estimate it.
  return { ok: true, value: { vectors, usage: null } };
}
