// The OpenAI error wire, which Chat Completions, Embeddings and the Responses API share:
// rendering any gateway error as `{"error":{message,type,param,code}}`, and classifying an
// OpenAI-style upstream's error response.
import type { GatewayError } from '../../errors';
import type { RenderedError, UpstreamFailure } from '../types';
import { renderedError } from './error-rendering';
import { buildFailure, parseJson, retryAfterSeconds } from './upstream-failure';
import { isPlainObject } from './validation';

export interface OpenaiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An upstream's status as OpenAI's error type and code (the names its SDKs branch on). */
function upstreamType(status: number): { type: string; code: string | null } {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return { type: 'invalid_request_error', code: null };
    case 401:
      return { type: 'authentication_error', code: null };
    case 402:
      return { type: 'insufficient_quota', code: 'insufficient_quota' };
    case 403:
      return { type: 'permission_error', code: null };
    case 404:
      return { type: 'not_found_error', code: null };
    case 408:
    case 504:
      return { type: 'timeout_error', code: 'timeout' };
    case 429:
      return { type: 'rate_limit_error', code: 'rate_limit_exceeded' };
    case 503:
      return { type: 'server_error', code: 'service_unavailable' };
    default:
      return status >= 500 ? { type: 'server_error', code: 'server_error' } : { type: 'invalid_request_error', code: null };
  }
}

export function openaiErrorBody(error: GatewayError): OpenaiErrorBody {
  const body = (type: string, param: string | null, code: string | null): OpenaiErrorBody => ({
    error: { message: error.message, type, param, code },
  });
  switch (error.kind) {
    case 'unauthorized':
      return body('authentication_error', null, 'invalid_api_key');
    case 'forbidden':
      return body('permission_error', null, 'permission_denied');
    case 'insufficient_balance':
      return body('insufficient_quota', null, 'insufficient_quota');
    case 'budget_exceeded':
      return body('insufficient_quota', null, 'budget_exceeded');
    case 'model_not_found':
      return body('not_found_error', 'model', 'model_not_found');
    case 'invalid_request':
      return body('invalid_request_error', error.param ?? null, null);
    case 'unsupported':
      return body('invalid_request_error', error.param, 'unsupported_parameter');
    case 'payload_too_large':
      return body('invalid_request_error', null, 'request_too_large');
    case 'rate_limited':
      return body('rate_limit_error', null, 'rate_limit_exceeded');
    case 'not_found':
      return body('not_found_error', null, null);
    case 'method_not_allowed':
      return body('invalid_request_error', null, 'method_not_allowed');
    case 'conflict':
      return body('invalid_request_error', error.param ?? null, 'conflict');
    case 'unprocessable':
      return body('invalid_request_error', null, 'unprocessable_entity');
    case 'upstream': {
      const { type, code } = upstreamType(error.status);
      return body(type, null, code);
    }
    case 'internal':
      return body('server_error', null, 'internal_error');
  }
}

export function renderOpenaiError(error: GatewayError): RenderedError {
  return renderedError(error, openaiErrorBody(error));
}

/** The message of an OpenAI-style error body: `error.message`, a bare `error` string, or a top-level `message`. */
function upstreamMessage(body: unknown): string | undefined {
  if (!isPlainObject(body)) return undefined;
  const error = body.error;
  if (isPlainObject(error) && typeof error.message === 'string') return error.message;
  if (typeof error === 'string') return error;
  return typeof body.message === 'string' ? body.message : undefined;
}

export function classifyOpenaiError(status: number, bodyText: string, headers: Headers): UpstreamFailure {
  return buildFailure(status, upstreamMessage(parseJson(bodyText)), retryAfterSeconds(headers));
}
