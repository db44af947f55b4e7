// The one place that talks to upstream channels and classifies what went wrong with the
// connection itself (HTTP-level errors are classified by the dialect: protocols/).
import type { UpstreamFailure, UpstreamRequest } from '../protocols/types';

export type CallOutcome = { ok: true; response: Response } | { ok: false; failure: UpstreamFailure };

/**
 * Send the request; fail with `timeout` if no response headers arrive within timeoutMs.
 * `signal` aborts the whole exchange, the body included (a hedge's loser): the link stays
 * after the headers arrive, so a body read in progress fails at once.
 */
export async function callUpstream(request: UpstreamRequest, timeoutMs: number, signal?: AbortSignal): Promise<CallOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError()), timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
    });
    return { ok: true, response };
  } catch (error) {
    return { ok: false, failure: connectionFailure(error, controller.signal.reason) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export class TimeoutError extends Error {
  constructor(message = 'upstream timed out') {
    super(message);
    this.name = 'TimeoutError';
  }
}

export function connectionFailure(error: unknown, reason?: unknown): UpstreamFailure {
  if (reason instanceof TimeoutError || error instanceof TimeoutError) {
    return { status: 504, error_class: 'timeout', message: 'The upstream did not answer in time.' };
  }
  return { status: 502, error_class: 'connection', message: 'Could not connect to the upstream.' };
}

/** Read the next item, failing with TimeoutError after ms. Cancels nothing by itself. */
export async function readWithin<T>(reader: ReadableStreamDefaultReader<T>, ms: number): Promise<ReadableStreamReadResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
  });
  try {
    return await Promise.race([reader.read(), timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Read a whole body as text within ms. */
export async function readTextWithin(response: Response, ms: number): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
  });
  try {
    return await Promise.race([response.text(), timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
