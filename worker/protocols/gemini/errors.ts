// Gemini (Google API) error bodies: `{"error":{"code","message","status"}}`, and
// classification of a Gemini upstream's error response (RetryInfo honoured).
import type { GatewayError } from '../../errors';
import type { RenderedError, UpstreamFailure } from '../types';
import { renderedError } from '../shared/error-rendering';
import { buildFailure, parseJson, retryAfterSeconds, upstreamErrorFrom } from '../shared/upstream-failure';
import { isPlainObject } from '../shared/validation';

function statusNameForCode(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 402:
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'UNIMPLEMENTED';
    case 408:
    case 504:
      return 'DEADLINE_EXCEEDED';
    case 409:
      return 'ABORTED';
    case 502: // a failed upstream is transient, and Google's clients retry UNAVAILABLE
    case 503:
      return 'UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

export function geminiStatusName(error: GatewayError): string {
  switch (error.kind) {
    case 'unauthorized':
      return 'UNAUTHENTICATED';
    case 'forbidden':
      return 'PERMISSION_DENIED';
    case 'insufficient_balance':
    case 'budget_exceeded':
    case 'rate_limited':
      return 'RESOURCE_EXHAUSTED';
    case 'model_not_found':
    case 'not_found':
      return 'NOT_FOUND';
    case 'invalid_request':
    case 'unsupported':
    case 'payload_too_large':
      return 'INVALID_ARGUMENT';
    case 'method_not_allowed':
      return 'UNIMPLEMENTED';
    case 'conflict':
      return 'ABORTED';
    case 'unprocessable':
      return 'FAILED_PRECONDITION';
    case 'upstream':
      return statusNameForCode(error.status);
    case 'internal':
      return 'INTERNAL';
  }
}

export function geminiErrorBody(error: GatewayError, status: number): { error: { code: number; message: string; status: string } } {
  return { error: { code: status, message: error.message, status: geminiStatusName(error) } };
}

export function renderGeminiError(error: GatewayError): RenderedError {
  const rendered = renderedError(error, null);
  return { ...rendered, body: JSON.stringify(geminiErrorBody(error, rendered.status)) };
}

function codeForStatusName(name: unknown): number {
  switch (name) {
    case 'INVALID_ARGUMENT':
    case 'FAILED_PRECONDITION':
    case 'OUT_OF_RANGE':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'PERMISSION_DENIED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'ABORTED':
      return 409;
    case 'RESOURCE_EXHAUSTED':
      return 429;
    case 'UNAVAILABLE':
      return 503;
    case 'DEADLINE_EXCEEDED':
      return 504;
    default:
      return 500;
  }
}

function errorObject(body: unknown): Record<string, unknown> | null {
  const first: unknown = Array.isArray(body) ? body[0] : body;
  return isPlainObject(first) && isPlainObject(first.error) ? first.error : null;
}

function retryDelay(error: Record<string, unknown>): string | undefined {
  if (!Array.isArray(error.details)) return undefined;
  for (const detail of error.details as unknown[]) {
    if (isPlainObject(detail) && typeof detail.retryDelay === 'string') return detail.retryDelay;
  }
  return undefined;
}

/**
 * Google answers a bad API key with 400 INVALID_ARGUMENT and an ErrorInfo reason of
 * API_KEY_INVALID: the channel's credential, not the caller's request, so read it as 401.
 */
function keyRefused(error: Record<string, unknown>): boolean {
  if (!Array.isArray(error.details)) return false;
  return (error.details as unknown[]).some((detail) => isPlainObject(detail) && detail.reason === 'API_KEY_INVALID');
}

/**
 * An error object inside a Gemini stream: the status it implies (the numeric `code` before
 * the `status` name), then the same rule as a plain error response, RetryInfo included.
 */
export function geminiErrorFromObject(value: unknown): GatewayError {
  const error = isPlainObject(value) ? value : {};
  const status = keyRefused(error) ? 401 : typeof error.code === 'number' && error.code >= 400 ? error.code : codeForStatusName(error.status);
  const message = typeof error.message === 'string' ? error.message : undefined;
  return upstreamErrorFrom(status, message ?? 'The upstream reported an error mid-stream.', retryAfterSeconds(new Headers(), retryDelay(error)));
}

export function classifyGeminiError(status: number, bodyText: string, headers: Headers): UpstreamFailure {
  const error = errorObject(parseJson(bodyText));
  const message = error && typeof error.message === 'string' ? error.message : undefined;
  return buildFailure(error && keyRefused(error) ? 401 : status, message, retryAfterSeconds(headers, error ? retryDelay(error) : undefined));
}
