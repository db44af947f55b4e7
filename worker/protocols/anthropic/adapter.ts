// The Anthropic Messages wire format, assembled from its parts.
import type { Adapter } from '../adapter';
import { classifyAnthropicError, renderAnthropicError } from './errors';
import { parseAnthropicInbound } from './request';
import { buildAnthropicRequest, passthroughAnthropicRequest } from './request-build';
import { anthropicToCanonical } from './request-canonical';
import { passthroughAnthropicResponse, readAnthropicResponse, renderAnthropicResponse } from './response';
import { createAnthropicPassthroughStream, createAnthropicStreamDecoder, createAnthropicStreamEncoder } from './stream';

export const anthropicAdapter: Adapter<'anthropic'> = {
  streamContentType: 'text/event-stream; charset=utf-8',
  parseInbound: parseAnthropicInbound,
  toCanonical: anthropicToCanonical,
  renderResponse: renderAnthropicResponse,
  createStreamEncoder: createAnthropicStreamEncoder,
  renderError: renderAnthropicError,
  renderCountTokens: (tokens) => JSON.stringify({ input_tokens: tokens }),
  buildRequest: buildAnthropicRequest,
  readResponse: readAnthropicResponse,
  createStreamDecoder: createAnthropicStreamDecoder,
  classifyError: classifyAnthropicError,
  passthroughRequest: passthroughAnthropicRequest,
  passthroughResponse: passthroughAnthropicResponse,
  createPassthroughStream: () => createAnthropicPassthroughStream(),
};
