// One internal error union; every wire error is rendered from it by the client protocol's
// renderer (worker/protocols/<protocol>/errors.ts), whether it came from a route handler,
// onError, notFound, the admin and internal APIs or an upstream. Messages here are safe to
// show: never a credential, never a stack.
import type { ErrorClass } from './core/types';

export type GatewayError =
  | { kind: 'unauthorized'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'insufficient_balance'; message: string }
  | { kind: 'budget_exceeded'; message: string }
  | { kind: 'model_not_found'; message: string; model: string }
  | { kind: 'invalid_request'; message: string; param?: string }
  | { kind: 'unsupported'; message: string; param: string }
  | { kind: 'payload_too_large'; message: string }
  | { kind: 'rate_limited'; message: string; retry_after_s: number }
  | { kind: 'not_found'; message: string }
  | { kind: 'method_not_allowed'; message: string }
  /** A change the current state forbids (duplicate id, revoked key): admin API, 409. */
  | { kind: 'conflict'; message: string; param?: string }
  /** Well-formed but refers to things that do not exist (a ledger batch naming unknown users): 422. */
  | { kind: 'unprocessable'; message: string }
  | {
      /** Every eligible channel failed, or the upstream returned a client error we pass on. */
      kind: 'upstream';
      status: number;
      error_class: ErrorClass;
      message: string;
      retry_after_s?: number;
    }
  | { kind: 'internal'; message: string };

export type GatewayErrorKind = GatewayError['kind'];

export function errorStatus(error: GatewayError): number {
  switch (error.kind) {
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'insufficient_balance':
    case 'budget_exceeded':
      return 402;
    case 'model_not_found':
    case 'not_found':
      return 404;
    case 'invalid_request':
    case 'unsupported':
      return 400;
    case 'payload_too_large':
      return 413;
    case 'rate_limited':
      return 429;
    case 'method_not_allowed':
      return 405;
    case 'conflict':
      return 409;
    case 'unprocessable':
      return 422;
    case 'upstream':
      return error.status;
    case 'internal':
      return 500;
  }
}

/**
 * The Retry-After header value for an error response, if any: whole seconds, at least 1
 * (a 0 invites an immediate retry storm). The only place the header's value is computed.
 */
export function retryAfterHeader(error: GatewayError): string | undefined {
  const seconds = errorRetryAfter(error);
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  return String(Math.max(1, Math.ceil(seconds)));
}

/** Retry-After seconds carried by an error, if any (unrounded). */
export function errorRetryAfter(error: GatewayError): number | undefined {
  if (error.kind === 'rate_limited' || error.kind === 'upstream') return error.retry_after_s;
  return undefined;
}
