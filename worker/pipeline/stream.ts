// Streams: upstream SSE → eventsource-parser (one reader, protocols/shared/sse-reader.ts) →
// the dialect translator → client frames, without buffering the answer. Per chunk the work is
// O(chunk): no timer is armed per read (watchIdle), nothing grows with the answer. Frames are held back only until the first token, so that
// an upstream that fails before producing any content can still be retried on another
// channel; after that a failure ends the stream with the client protocol's error event.
import type { SourceEvent, StreamTranslator, UpstreamFailure } from '../protocols/types';
import { readSourceEvents, type SourceEventReader } from '../protocols/shared/sse-reader';
import { TimeoutError } from './upstream';
import { failureError, failureOf } from './failure';

export interface StreamTimings {
  ttftMs: number;
  idleMs: number;
}

export type StreamStart =
  | { ok: true; pending: string[]; reader: SourceEventReader; first_token_at: number | null; ended: boolean }
  | { ok: false; failure: UpstreamFailure };

const encoder = new TextEncoder();

/** Read until the first token (or the end), collecting the client frames produced so far. */
export async function startStream(response: Response, translator: StreamTranslator, timings: StreamTimings, startedAt: number): Promise<StreamStart> {
  if (!response.body) return { ok: false, failure: { status: 502, error_class: 'server', message: 'The upstream sent no body.' } };
  const reader = readSourceEvents(response.body);
  const pending: string[] = [];
  // One timer for the whole wait: when it fires, the reader is cancelled and the read ends.
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    void reader.cancel(new TimeoutError()).catch(() => undefined);
  }, Math.max(1, startedAt + timings.ttftMs - Date.now()));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) throw new TimeoutError();
      if (done) {
        if (!translator.observation.completed) {
          return { ok: false, failure: earlyFailure(translator, 'The upstream closed the stream before any content.') };
        }
        pending.push(...translator.end());
        return { ok: true, pending, reader, first_token_at: null, ended: true };
      }
      pending.push(...translator.push(value));
      if (translator.observation.upstream_error) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, failure: earlyFailure(translator, 'The upstream reported an error.') };
      }
      if (translator.observation.first_token) return { ok: true, pending, reader, first_token_at: Date.now(), ended: false };
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (timedOut || error instanceof TimeoutError) return { ok: false, failure: { status: 504, error_class: 'timeout', message: 'The upstream sent no content in time.' } };
    return { ok: false, failure: { status: 502, error_class: 'connection', message: 'The upstream connection broke before any content.' } };
  } finally {
    clearTimeout(deadline);
  }
}

function earlyFailure(translator: StreamTranslator, fallback: string): UpstreamFailure {
  return failureOf(translator.observation.upstream_error, fallback);
}

export interface StreamResult {
  /** How the stream ended: cleanly, broken upstream, or the client went away. */
  outcome: 'completed' | 'broken' | 'cancelled';
  failure: UpstreamFailure | null;
}

/**
 * Pump the rest of the stream into the client's body. Resolves when everything is written
 * (or the stream broke, or the client left); never rejects.
 */
export function pumpStream(start: Extract<StreamStart, { ok: true }>, translator: StreamTranslator, timings: StreamTimings): { body: ReadableStream<Uint8Array>; done: Promise<StreamResult> } {
  const { readable, writable } = clientPipe();
  const writer = writable.getWriter();
  // One encode per upstream event, and no join for the usual single frame.
  // An empty write is skipped: nothing to send, and a native pipe need not see zero bytes.
  const write = (frames: string[]) => {
    const text = frames.length === 1 ? frames[0]! : frames.join('');
    return text.length === 0 ? Promise.resolve() : writer.write(encoder.encode(text));
  };

  const done = (async (): Promise<StreamResult> => {
    try {
      await write(start.pending);
    } catch {
      await start.reader.cancel().catch(() => undefined);
      return { outcome: 'cancelled', failure: null };
    }
    if (start.ended) {
      await writer.close().catch(() => undefined);
      return { outcome: 'completed', failure: null };
    }
    let failure: UpstreamFailure | null = null;
    let timedOut = false;
    // Cancelling the reader ends a pending read with done: the loop below then sees timedOut.
    const idle = watchIdle(timings.idleMs, () => {
      timedOut = true;
      void start.reader.cancel(new TimeoutError()).catch(() => undefined);
    });
    try {
      for (;;) {
        let next: ReadableStreamReadResult<SourceEvent>;
        try {
          next = await start.reader.read();
        } catch {
          next = { done: true, value: undefined };
          if (!timedOut) {
            failure = { status: 502, error_class: 'mid_stream', message: 'The upstream connection broke mid-stream.' };
            break;
          }
        }
        if (timedOut) {
          failure = { status: 504, error_class: 'timeout', message: 'The upstream stopped sending mid-stream.' };
          break;
        }
        idle.touch();
        if (next.done) {
          if (!translator.observation.completed) {
            failure = { status: 502, error_class: 'mid_stream', message: 'The upstream ended the stream before it was complete.' };
          }
          break;
        }
        await write(translator.push(next.value));
        const upstreamError = translator.observation.upstream_error;
        if (upstreamError) {
          failure = upstreamError.kind === 'upstream'
            ? { status: upstreamError.status, error_class: 'mid_stream', message: upstreamError.message }
            : { status: 502, error_class: 'mid_stream', message: upstreamError.message };
          break;
        }
      }
      if (failure) {
        await start.reader.cancel().catch(() => undefined);
        await write(translator.fail(failureError(failure)));
        await writer.close().catch(() => undefined);
        return { outcome: 'broken', failure };
      }
      await write(translator.end());
      await writer.close().catch(() => undefined);
      return { outcome: 'completed', failure: null };
    } catch {
      // Writing failed: the client went away. Stop reading the upstream.
      await start.reader.cancel().catch(() => undefined);
      await writer.abort().catch(() => undefined);
      return { outcome: 'cancelled', failure };
    } finally {
      idle.stop();
    }
  })();
  return { body: readable, done };
}

type BytePipe = { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };

/**
 * The pipe between the pump and the client's body. In workerd, its native
 * IdentityTransformStream: a write hands the bytes to the response directly, where a JS
 * `TransformStream` runs its transform, its queue and the runtime's read of its readable side
 * as more promise turns per frame (docs/perf-notes-streams.md, "Per-frame cost"). Both have no
 * queue: a write settles once the client side has taken it (backpressure), and rejects once
 * the client has gone (then the pump cancels the upstream). Elsewhere (Node tests) the standard one.
 */
export function clientPipe(): BytePipe {
  const Native = (globalThis as { IdentityTransformStream?: new () => BytePipe }).IdentityTransformStream;
  return Native ? new Native() : new TransformStream<Uint8Array, Uint8Array>();
}

/**
 * The idle time-out of a held stream as one timer, not one per chunk: a read only stamps the
 * time (touch); the timer, when it fires before the stream has been quiet for `ms`, re-arms
 * for what is left. So a stream of any length arms about one timer per `ms` of its life
 * (10,000 held streams at a chunk every 500 ms would otherwise arm 20,000 timers a second).
 */
export function watchIdle(ms: number, onIdle: () => void): { touch(): void; stop(): void } {
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const quiet = Date.now() - last;
    if (quiet >= ms) {
      timer = undefined;
      onIdle();
      return;
    }
    timer = setTimeout(check, ms - quiet);
  };
  timer = setTimeout(check, ms);
  return {
    touch: () => {
      last = Date.now();
    },
    stop: () => {
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
