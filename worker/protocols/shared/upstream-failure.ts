// The one place retryability is decided (408, 409, 429, ≥ 500), plus the helpers every
// dialect's error classifier shares: retry-after parsing, credential scrubbing, truncation,
// and the status an in-stream error object implies.
import type { ErrorClass } from '../../core/types';
import type { GatewayError } from '../../errors';
import type { UpstreamFailure } from '../types';

const MAX_MESSAGE = 300;

export function errorClassForStatus(status: number): ErrorClass {
  if (status === 429) return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status === 409 || status >= 500) return 'server';
  return 'client';
}

/** Status to show a client: Anthropic's 529 overloaded becomes 503; odd 5xx become 502. */
export function normaliseStatus(status: number): number {
  if (status === 529) return 503;
  if (status > 504 && status < 600) return 502;
  if (status < 400 || status >= 600) return 502;
  return status;
}

const SECRET_PATTERNS: RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_*-]{6,}/g,
  /\bsk-ant-[A-Za-z0-9_*-]+/g,
  /\bAIza[0-9A-Za-z_*-]{10,}/g,
  /\b[Bb]earer\s+[^\s"',]+/g,
  /([?&](?:key|api_key|token)=)[^&\s"']+/g,
];

/** Removes anything shaped like a credential, collapses whitespace, truncates to 300 characters. */
export function safeMessage(message: string): string {
  let output = message;
  for (const pattern of SECRET_PATTERNS) {
    output = output.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  output = output.replace(/\s+/g, ' ').trim();
  return output.length > MAX_MESSAGE ? `${output.slice(0, MAX_MESSAGE - 1)}…` : output;
}

/** Retry-After as seconds: `retry-after` (seconds), `retry-after-ms`, or a body hint like `"30s"`. */
export function retryAfterSeconds(headers: Headers, bodyHint?: string): number | undefined {
  const seconds = headers.get('retry-after');
  if (seconds !== null && /^\s*\d+(\.\d+)?\s*$/.test(seconds)) return Math.max(0, Math.ceil(Number(seconds)));
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && /^\s*\d+(\.\d+)?\s*$/.test(milliseconds)) {
    return Math.max(0, Math.ceil(Number(milliseconds) / 1000));
  }
  if (bodyHint !== undefined) {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(bodyHint);
    if (match) return Math.ceil(Number(match[1]));
  }
  return undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Statuses that blame the channel, not the caller: our credential was refused (401, 403) or
 * the upstream does not know the model name we mapped to (404). The client must not see
 * its own request blamed, and another channel may well serve it: a retryable 502.
 */
const CHANNEL_FAULTS = new Set([401, 403, 404]);

export function buildFailure(status: number, message: string | undefined, retryAfter: number | undefined): UpstreamFailure {
  if (CHANNEL_FAULTS.has(status)) {
    return { status: 502, error_class: 'server', message: `The channel refused the request (HTTP ${status}); check its credential and model mapping.` };
  }
  const shown = normaliseStatus(status);
  const failure: UpstreamFailure = {
    status: shown,
    error_class: errorClassForStatus(status),
    message: safeMessage(message && message.trim() !== '' ? message : `Upstream returned HTTP ${status}.`),
  };
  if (retryAfter !== undefined) failure.retry_after_s = retryAfter;
  return failure;
}

/**
 * An upstream error as a gateway error, through the one rule above: used for errors an
 * upstream sends inside a stream (each dialect infers the HTTP status it would have used,
 * then comes here), so a refused credential mid-stream is a retryable 502 exactly like a
 * refused credential in a plain response.
 */
export function upstreamErrorFrom(status: number, message: string | undefined, retryAfter?: number): GatewayError {
  return failureError(buildFailure(status, message, retryAfter));
}

/** The one conversion of a channel's failure into the error a client is told, Retry-After included. */
export function failureError(failure: UpstreamFailure): GatewayError {
  return {
    kind: 'upstream',
    status: failure.status,
    error_class: failure.error_class,
    message: failure.message,
    ...(failure.retry_after_s !== undefined ? { retry_after_s: failure.retry_after_s } : {}),
  };
}

/**
 * The HTTP status an upstream would have sent with an error it names only by code or type
 * (OpenAI `code` / `type`, Anthropic `error.type`, Google `status`). Names are tried in the
 * order given (code before type), and within a name the credential patterns come first:
 * `invalid_api_key` must read as 401, not as an invalid request.
 */
const STATUS_BY_NAME: Array<[RegExp, number]> = [
  [/invalid_api_key|authentication|unauthenticated|unauthorized/, 401],
  [/billing/, 402],
  [/permission|forbidden/, 403],
  [/not_found/, 404],
  [/request_too_large/, 413],
  [/rate_limit|insufficient_quota|tokens_exceeded|resource_exhausted/, 429],
  [/overloaded/, 529],
  [/timeout|deadline_exceeded/, 504],
  [/unavailable/, 503],
  [/server_error|api_error|internal/, 500],
  [/invalid_request|invalid_value|invalid_argument|context_length|failed_precondition|out_of_range/, 400],
];

export function statusForErrorNames(...names: unknown[]): number | undefined {
  for (const name of names) {
    if (typeof name !== 'string' || name === '') continue;
    const lower = name.toLowerCase();
    for (const [pattern, status] of STATUS_BY_NAME) if (pattern.test(lower)) return status;
  }
  return undefined;
}

/** An upstream answered 200 with a body we cannot read. */
export function malformedUpstream(detail: string): GatewayError {
  return { kind: 'upstream', status: 502, error_class: 'server', message: safeMessage(`Upstream returned an invalid response: ${detail}`) };
}
