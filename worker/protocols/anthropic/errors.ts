// Anthropic error bodies: `{"type":"error","error":{"type","message"}}`, and classification
// of an Anthropic upstream's error response (529 overloaded → 503).
import type { GatewayError } from '../../errors';
import type { RenderedError, UpstreamFailure } from '../types';
import { renderedError } from '../shared/error-rendering';
import { buildFailure, parseJson, retryAfterSeconds, statusForErrorNames, upstreamErrorFrom } from '../shared/upstream-failure';
import { isPlainObject } from '../shared/validation';

function upstreamType(status: number): string {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 408:
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function anthropicErrorType(error: GatewayError): string {
  switch (error.kind) {
    case 'unauthorized':
      return 'authentication_error';
    case 'forbidden':
      return 'permission_error';
    case 'insufficient_balance':
    case 'budget_exceeded':
      return 'billing_error';
    case 'model_not_found':
    case 'not_found':
      return 'not_found_error';
    case 'invalid_request':
    case 'unsupported':
    case 'method_not_allowed':
    case 'conflict':
    case 'unprocessable':
      return 'invalid_request_error';
    case 'payload_too_large':
      return 'request_too_large';
    case 'rate_limited':
      return 'rate_limit_error';
    case 'upstream':
      return upstreamType(error.status);
    case 'internal':
      return 'api_error';
  }
}

export function anthropicErrorBody(error: GatewayError): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: anthropicErrorType(error), message: error.message } };
}

export function renderAnthropicError(error: GatewayError): RenderedError {
  return renderedError(error, anthropicErrorBody(error));
}

/**
 * An `event: error` an Anthropic upstream sent mid-stream (e.g. overloaded_error): the status
 * its type implies (overloaded 529 → 503, authentication 401 → the channel's fault), then
 * the same rule as a plain error response.
 */
export function anthropicErrorFromObject(value: unknown): GatewayError {
  const object = isPlainObject(value) ? value : {};
  const inner = isPlainObject(object.error) ? object.error : object;
  const status = statusForErrorNames(inner.type) ?? 502;
  const message = typeof inner.message === 'string' ? inner.message : 'The upstream reported an error mid-stream.';
  return upstreamErrorFrom(status, message);
}

export function classifyAnthropicError(status: number, bodyText: string, headers: Headers): UpstreamFailure {
  const body = parseJson(bodyText);
  let message: string | undefined;
  if (isPlainObject(body) && isPlainObject(body.error) && typeof body.error.message === 'string') message = body.error.message;
  return buildFailure(status, message, retryAfterSeconds(headers));
}
