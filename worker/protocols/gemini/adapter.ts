// The Gemini generateContent wire format, assembled from its parts.
import type { Adapter } from '../adapter';
import { buildGeminiEmbeddingsRequest, geminiEmbeddingsToCanonical, readGeminiEmbeddings, renderGeminiEmbeddings } from './embeddings';
import { classifyGeminiError, renderGeminiError } from './errors';
import { parseGeminiInbound } from './request';
import { buildGeminiRequest, passthroughGeminiRequest } from './request-build';
import { geminiToCanonical } from './request-canonical';
import { passthroughGeminiResponse, readGeminiResponse, renderGeminiResponse } from './response';
import { createGeminiPassthroughStream, createGeminiStreamDecoder, createGeminiStreamEncoder } from './stream';

export const geminiAdapter: Adapter<'gemini'> = {
  streamContentType: 'text/event-stream',
  parseInbound: parseGeminiInbound,
  toCanonical: geminiToCanonical,
  renderResponse: renderGeminiResponse,
  createStreamEncoder: createGeminiStreamEncoder,
  renderError: renderGeminiError,
  renderCountTokens: (tokens) => JSON.stringify({ totalTokens: tokens }),
  buildRequest: buildGeminiRequest,
  readResponse: readGeminiResponse,
  createStreamDecoder: createGeminiStreamDecoder,
  classifyError: classifyGeminiError,
  passthroughRequest: passthroughGeminiRequest,
  passthroughResponse: passthroughGeminiResponse,
  createPassthroughStream: () => createGeminiPassthroughStream(),
  embeddings: {
    toCanonical: geminiEmbeddingsToCanonical,
    renderResponse: renderGeminiEmbeddings,
    buildRequest: buildGeminiEmbeddingsRequest,
    readResponse: readGeminiEmbeddings,
  },
};
