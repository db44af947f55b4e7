// Upstream SSE bytes → SourceEvents through one reader, with no stream stages in between.
// A `TextDecoderStream` and an `EventSourceParserStream` piped together cost each held stream
// two more streams, two pipe loops and their promises per chunk; here a read decodes the
// bytes it got (TextDecoder in streaming mode, so split characters are kept) and feeds the
// parser. State is the parser's partial line and the events of the last chunk: O(chunk).
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { SourceEvent } from '../types';

export interface SourceEventReader {
  read(): Promise<ReadableStreamReadResult<SourceEvent>>;
  /** Cancels the upstream body; a pending read then ends with done. */
  cancel(reason?: unknown): Promise<void>;
}

/**
 * Room for one upstream read. Small, because a held stream keeps its buffer for as long as its
 * read is pending — most of its life — so this is memory per held stream (4 KB × 10,000 = 40 MB);
 * a chunk (SSE frames are a few hundred bytes) larger than this simply arrives over several reads.
 */
export const READ_BUFFER_BYTES = 4 * 1024;

interface ByteSource {
  /** The next bytes, or undefined at the end; valid only until the next read. */
  read(): Promise<Uint8Array | undefined>;
  cancel(reason?: unknown): Promise<void>;
  byob: boolean;
}

/**
 * A fetch body in workerd is a byte stream: read it BYOB into one buffer reused for the whole
 * stream, rather than have the runtime allocate a fresh buffer for every chunk (garbage per
 * frame, docs/perf-notes-streams.md "Per-frame cost"). Reuse is safe because each read is
 * decoded into a string before the next one starts. Any other stream (a test's, a JS one)
 * is read the ordinary way.
 */
export function byteSource(body: ReadableStream<Uint8Array>): ByteSource {
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = body.getReader({ mode: 'byob' });
  } catch {
    byob = undefined; // Not a byte stream.
  }
  if (byob) {
    const reader = byob;
    let buffer = new ArrayBuffer(READ_BUFFER_BYTES);
    return {
      byob: true,
      async read() {
        const { done, value } = await reader.read(new Uint8Array(buffer));
        if (done || value === undefined) return undefined;
        // The read transferred the buffer into `value`: keep that one for the next read.
        buffer = value.buffer as ArrayBuffer;
        return value;
      },
      cancel: (reason) => reader.cancel(reason),
    };
  }
  const reader = body.getReader();
  return {
    byob: false,
    async read() {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    },
    cancel: (reason) => reader.cancel(reason),
  };
}

export function readSourceEvents(body: ReadableStream<Uint8Array>): SourceEventReader {
  const bytes = byteSource(body);
  const decoder = new TextDecoder();
  // Events parsed from the last chunk and not yet read; emptied before the next chunk is read.
  const parsed: EventSourceMessage[] = [];
  let next = 0;
  const parser = createParser({ onEvent: (event) => void parsed.push(event) });
  return {
    async read() {
      while (next >= parsed.length) {
        parsed.length = 0;
        next = 0;
        const value = await bytes.read();
        // Like EventSourceParserStream: an event without its closing blank line is dropped.
        if (value === undefined) return { done: true, value: undefined };
        parser.feed(decoder.decode(value, { stream: true }));
      }
      const value = parsed[next]!;
      next += 1;
      return { done: false, value };
    },
    cancel: (reason) => bytes.cancel(reason),
  };
}
