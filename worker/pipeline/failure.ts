// Upstream failures as the errors a client sees. An UpstreamFailure is what one channel did
// (classified by the dialect, protocols/shared/upstream-failure.ts); a GatewayError is what
// the client is told. Every conversion between the two lives here, so the status, class,
// message and Retry-After seconds travel together and no route rebuilds them by hand.
import type { GatewayError } from '../errors';
import type { UpstreamFailure } from '../protocols/types';

import { failureError } from '../protocols/shared/upstream-failure';

export { failureError };

/**
 * The reverse, for an error a stream translator observed inside the upstream's stream: an
 * `upstream` error keeps its classification; anything else (an unreadable chunk) blames the
 * channel with a retryable 502.
 */
export function failureOf(error: GatewayError | null, fallback: string): UpstreamFailure {
  if (error && error.kind === 'upstream') {
    return {
      status: error.status,
      error_class: error.error_class,
      message: error.message,
      ...(error.retry_after_s ? { retry_after_s: error.retry_after_s } : {}),
    };
  }
  return { status: 502, error_class: 'server', message: error?.message ?? fallback };
}

const NO_CHANNEL: UpstreamFailure = { status: 503, error_class: 'server', message: 'No channel was available.' };

/** Every channel tried failed: the last one's class and Retry-After, naming how many were tried. */
export function exhaustedError(last: UpstreamFailure | null, tried: number): GatewayError {
  const failure = last ?? NO_CHANNEL;
  return failureError({
    ...failure,
    status: clientStatusFor(failure),
    message: `All ${tried} channel${tried === 1 ? '' : 's'} tried failed; the last said: ${failure.message}`,
  });
}

/** The status a client sees when every channel failed: the last upstream class. */
function clientStatusFor(failure: UpstreamFailure): number {
  switch (failure.error_class) {
    case 'rate_limit':
      return 429;
    case 'timeout':
      return 504;
    case 'connection':
      return 502;
    default:
      return failure.status === 503 ? 503 : 502;
  }
}
