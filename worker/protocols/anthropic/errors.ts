// Anthropic error bodies: `{"type":"error","error":{"type","message"}}`, and classification
// of an Anthropic upstream's error response (529 overloaded → 503).
import type { GatewayError } from '../../errors';
import type { RenderedError, UpstreamFailure } from '../types';
import { renderedError } from '../openai/errors';
import { buildFailure, errorClassForStatus, parseJson, retryAfterSeconds, safeMessage } from '../shared/upstream-failure';
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

function statusForType(type: unknown): number {
  switch (type) {
    case 'invalid_request_error':
      return 400;
    case 'authentication_error':
      return 401;
    case 'billing_error':
      return 402;
    case 'permission_error':
      return 403;
    case 'not_found_error':
      return 404;
    case 'request_too_large':
      return 413;
    case 'rate_limit_error':
      return 429;
    case 'overloaded_error':
      return 503;
    case 'timeout_error':
      return 504;
    default:
      return 502;
  }
}

/** An `event: error` an Anthropic upstream sent mid-stream (e.g. overloaded_error). */
export function anthropicErrorFromObject(value: unknown): GatewayError {
  const object = isPlainObject(value) ? value : {};
  const inner = isPlainObject(object.error) ? object.error : object;
  const status = statusForType(inner.type);
  const message = typeof inner.message === 'string' ? inner.message : 'The upstream reported an error mid-stream.';
  return { kind: 'upstream', status, error_class: errorClassForStatus(status), message: safeMessage(message) };
}

export function classifyAnthropicError(status: number, bodyText: string, headers: Headers): UpstreamFailure {
  const body = parseJson(bodyText);
  let message: string | undefined;
  if (isPlainObject(body) && isPlainObject(body.error) && typeof body.error.message === 'string') message = body.error.message;
  return buildFailure(status, message, retryAfterSeconds(headers));
}
