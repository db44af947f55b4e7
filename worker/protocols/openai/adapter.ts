// The OpenAI Chat Completions / Embeddings wire format, assembled from its parts.
import type { Adapter } from '../adapter';
import { buildOpenaiEmbeddingsRequest, openaiEmbeddingsToCanonical, readOpenaiEmbeddings, renderOpenaiEmbeddings } from './embeddings';
import { classifyOpenaiError, renderOpenaiError } from '../shared/openai-errors';
import { parseOpenaiInbound } from './request';
import { buildOpenaiRequest } from './request-build';
import { openaiToCanonical } from './request-canonical';
import { passthroughOpenaiRequest } from './request-passthrough';
import { passthroughOpenaiResponse, readOpenaiResponse, renderOpenaiResponse } from './response';
import { createOpenaiPassthroughStream, createOpenaiStreamDecoder, createOpenaiStreamEncoder } from './stream';

export const openaiAdapter: Adapter<'openai'> = {
  streamContentType: 'text/event-stream; charset=utf-8',
  parseInbound: parseOpenaiInbound,
  toCanonical: openaiToCanonical,
  renderResponse: renderOpenaiResponse,
  createStreamEncoder: createOpenaiStreamEncoder,
  renderError: renderOpenaiError,
  renderCountTokens: (tokens) => JSON.stringify({ object: 'response.input_tokens', input_tokens: tokens }),
  buildRequest: buildOpenaiRequest,
  readResponse: readOpenaiResponse,
  createStreamDecoder: createOpenaiStreamDecoder,
  classifyError: classifyOpenaiError,
  passthroughRequest: passthroughOpenaiRequest,
  passthroughResponse: passthroughOpenaiResponse,
  createPassthroughStream: createOpenaiPassthroughStream,
  embeddings: {
    toCanonical: openaiEmbeddingsToCanonical,
    renderResponse: renderOpenaiEmbeddings,
    buildRequest: buildOpenaiEmbeddingsRequest,
    readResponse: readOpenaiEmbeddings,
  },
};
