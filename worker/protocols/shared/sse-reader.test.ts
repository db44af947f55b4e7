// readSourceEvents: the same events EventSourceParserStream gave, however the bytes are split,
// and no read-ahead: the upstream body is pulled only once the last chunk's events are read,
// so a held stream holds at most one chunk, never a queue that grows with the answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { byteSource, READ_BUFFER_BYTES, readSourceEvents } from './sse-reader';

const encoder = new TextEncoder();

function body(chunks: Uint8Array[]) {
  const state = { pulls: 0, cancelled: false };
  let index = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls += 1;
        if (index < chunks.length) controller.enqueue(chunks[index++]!);
        else controller.close();
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

async function all(reader: ReturnType<typeof readSourceEvents>) {
  const events: Array<{ event?: string; data: string }> = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    events.push({ ...(value.event === undefined ? {} : { event: value.event }), data: value.data });
  }
}

describe('readSourceEvents', () => {
  it('yields what EventSourceParserStream yields, however the bytes are split (multi-byte characters included)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ event: fc.option(fc.constantFrom('delta', 'ping'), { nil: undefined }), data: fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' ', '{') }) }), { maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        async (events, cuts) => {
          const text = events.map((event) => `${event.event ? `event: ${event.event}\n` : ''}data: ${event.data}\n\n`).join('') + 'data: trailing without blank line';
          const bytes = encoder.encode(text);
          const chunks: Uint8Array[] = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length]!;
            chunks.push(bytes.slice(at, at + size));
            at += size;
          }
          const ours = await all(readSourceEvents(body(chunks).stream));
          const reference = new Response(bytes).body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
          const theirs: Array<{ event?: string; data: string }> = [];
          for await (const event of reference as unknown as AsyncIterable<{ event?: string; data: string }>) {
            theirs.push({ ...(event.event === undefined ? {} : { event: event.event }), data: event.data });
          }
          expect(ours).toEqual(theirs);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads no further ahead than the chunk whose events it is handing out', async () => {
    const { stream, state } = body([encoder.encode('data: 1\n\ndata: 2\n\ndata: 3\n\n'), encoder.encode('data: 4\n\n')]);
    const reader = readSourceEvents(stream);
    expect((await reader.read()).value?.data).toBe('1');
    const pullsAfterFirst = state.pulls;
    expect((await reader.read()).value?.data).toBe('2');
    expect((await reader.read()).value?.data).toBe('3');
    expect(state.pulls).toBe(pullsAfterFirst);
    expect((await reader.read()).value?.data).toBe('4');
    expect(state.pulls).toBe(pullsAfterFirst + 1);
  });

  it('cancel ends a pending read with done and cancels the upstream body', async () => {
    const stream = new ReadableStream<Uint8Array>({ cancel: () => undefined });
    const reader = readSourceEvents(stream);
    const pending = reader.read();
    await reader.cancel();
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  // A fetch body is a byte stream: it is read BYOB into one buffer reused for the whole stream.
  // Reuse must never let a later read overwrite bytes an earlier event still needs.
  it('a byte stream is read BYOB into one reused buffer, and yields the same events however split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' ', '{') }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }),
        async (texts, cuts) => {
          const bytes = encoder.encode(texts.map((text) => `data: ${text}\n\n`).join(''));
          const chunks: Uint8Array[] = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length]!;
            chunks.push(bytes.slice(at, at + size));
            at += size;
          }
          const source = byteStream(chunks);
          expect(byteSource(byteStream([])).byob).toBe(true);
          expect((await all(readSourceEvents(source))).map((event) => event.data)).toEqual(texts);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('an event larger than the read buffer arrives whole over several BYOB reads', async () => {
    const big = 'x'.repeat(READ_BUFFER_BYTES * 2 + 17);
    const events = await all(readSourceEvents(byteStream([encoder.encode(`data: ${big}\n\ndata: after\n\n`)])));
    expect(events.map((event) => event.data)).toEqual([big, 'after']);
  });
});

/** A byte stream (as a fetch body is) that fills each BYOB request from the next chunk. */
function byteStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  const queue = chunks.map((chunk) => chunk.slice());
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      const chunk = queue[0];
      if (chunk === undefined) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      const request = controller.byobRequest;
      if (!request?.view) {
        controller.enqueue(queue.shift()!);
        return;
      }
      const target = new Uint8Array(request.view.buffer, request.view.byteOffset, request.view.byteLength);
      const size = Math.min(target.length, chunk.length);
      target.set(chunk.subarray(0, size));
      if (size === chunk.length) queue.shift();
      else queue[0] = chunk.subarray(size);
      request.respond(size);
    },
  }) as ReadableStream<Uint8Array>;
}

