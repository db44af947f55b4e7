// The OpenAI Responses API wire format (`POST /v1/responses`), as a client format and as an
// upstream dialect (channel type `openai-responses`), assembled from its parts.
import type { Adapter } from '../adapter';
import { classifyOpenaiError, renderOpenaiError } from '../shared/openai-errors';
import { parseResponsesInbound, renderResponsesCountTokens } from './request';
import { responsesToCanonical } from './request-canonical';
import { buildResponsesRequest } from './request-build';
import { passthroughResponsesRequest, passthroughResponsesResponse, createResponsesPassthroughStream } from './passthrough';
import { readResponsesResponse } from './response-read';
import { renderResponsesResponse } from './response-render';
import { createResponsesStreamDecoder } from './stream-decoder';
import { createResponsesStreamEncoder } from './stream-encoder';

export const responsesAdapter: Adapter<'openai-responses'> = {
  streamContentType: 'text/event-stream; charset=utf-8',
  parseInbound: parseResponsesInbound,
  toCanonical: responsesToCanonical,
  renderResponse: renderResponsesResponse,
  createStreamEncoder: createResponsesStreamEncoder,
  renderError: renderOpenaiError,
  renderCountTokens: renderResponsesCountTokens,
  buildRequest: buildResponsesRequest,
  readResponse: readResponsesResponse,
  createStreamDecoder: createResponsesStreamDecoder,
  classifyError: classifyOpenaiError,
  passthroughRequest: passthroughResponsesRequest,
  passthroughResponse: passthroughResponsesResponse,
  createPassthroughStream: createResponsesPassthroughStream,
};
