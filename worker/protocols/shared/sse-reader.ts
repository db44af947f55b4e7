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

export function readSourceEvents(body: ReadableStream<Uint8Array>): SourceEventReader {
  const bytes = body.getReader();
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
        const { done, value } = await bytes.read();
        // Like EventSourceParserStream: an event without its closing blank line is dropped.
        if (done) return { done: true, value: undefined };
        parser.feed(decoder.decode(value, { stream: true }));
      }
      const value = parsed[next]!;
      next += 1;
      return { done: false, value };
    },
    cancel: (reason) => bytes.cancel(reason),
  };
}
