// pumpStream in workerd, where the client's body is the runtime's native IdentityTransformStream
// (worker/pipeline/stream.ts clientPipe) rather than a JS TransformStream, which is cheaper per
// frame (docs/perf-notes-streams.md, "Per-frame cost"). The Node tests (worker/pipeline/stream.test.ts)
// cover the standard stream; these hold the invariants the native pipe must keep: it is the
// one in use, a frame reaches the client as soon as it is translated (no batching), the pump
// reads the upstream no faster than the client takes frames (backpressure), a client that
// leaves cancels the upstream ('cancelled'), and a broken upstream still ends with the error frame.
// And sse-reader's BYOB read of a native byte stream (an upstream fetch body).
import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../worker/errors';
import type { SourceEvent, StreamObservation, StreamTranslator } from '../../worker/protocols/types';
import { clientPipe, pumpStream, startStream, type StreamTimings } from '../../worker/pipeline/stream';
import { byteSource, READ_BUFFER_BYTES, readSourceEvents } from '../../worker/protocols/shared/sse-reader';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TIMINGS: StreamTimings = { ttftMs: 5_000, idleMs: 5_000 };

/** `{text}` is a token (one frame each), `{done}` completes, `{error}` is an upstream error. */
function fakeTranslator(): StreamTranslator {
  const observation: StreamObservation = { first_token: false, usage: null, finish_reason: null, upstream_error: null, completed: false, output_characters: 0 };
  return {
    observation,
    push(event: SourceEvent) {
      const data = JSON.parse(event.data) as { text?: string; done?: boolean; error?: number };
      if (data.error !== undefined) {
        observation.upstream_error = { kind: 'upstream', status: data.error, error_class: 'server', message: 'boom' };
        return [];
      }
      if (data.done) {
        observation.completed = true;
        return ['[done]'];
      }
      observation.first_token = true;
      return [`[text ${data.text}]`];
    },
    end: () => ['[end]'],
    fail: (error: GatewayError) => [`[error ${error.message}]`],
  };
}

/** An upstream the test writes into (push), or one that makes a frame whenever it is pulled. */
function upstream(onPull?: (controller: ReadableStreamDefaultController<Uint8Array>) => void) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: false, pulls: 0 };
  const body = new ReadableStream<Uint8Array>(
    {
      start: (given) => void (controller = given),
      pull: (given) => {
        state.pulls += 1;
        onPull?.(given);
      },
      cancel: () => void (state.cancelled = true),
    },
    { highWaterMark: 0 },
  );
  const event = (data: unknown) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(data)}\n\n`));
  return { response: new Response(body), state, event, close: () => controller.close(), error: () => controller.error(new Error('reset')) };
}

async function begin(source: ReturnType<typeof upstream>, first = true) {
  if (first) source.event({ text: 'a' });
  const translator = fakeTranslator();
  const start = await startStream(source.response, translator, TIMINGS, Date.now());
  if (!start.ok) throw new Error('stream did not start');
  return pumpStream(start, translator, TIMINGS);
}

const turns = async (count: number) => {
  for (let index = 0; index < count; index++) await new Promise((resolve) => setTimeout(resolve, 1));
};

describe('pumpStream on workerd (native pipe)', () => {
  it('uses the runtime IdentityTransformStream for the client body', () => {
    expect(clientPipe()).toBeInstanceOf(IdentityTransformStream);
  });

  it('writes every frame in order, then the closing frames, and completes', async () => {
    const source = upstream();
    const pumped = await begin(source);
    source.event({ text: 'b' });
    source.event({ done: true });
    source.close();
    expect(await new Response(pumped.body).text()).toBe('[text a][text b][done][end]');
    expect(await pumped.done).toEqual({ outcome: 'completed', failure: null });
  });

  it('hands a frame to the client as soon as it is translated, while the upstream stays open', async () => {
    const source = upstream();
    const pumped = await begin(source);
    const reader = pumped.body.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('[text a]');
    source.event({ text: 'b' });
    // Nothing more is sent: a pipe that batched frames would leave this read pending.
    expect(decoder.decode((await reader.read()).value)).toBe('[text b]');
    source.event({ done: true });
    source.close();
    await reader.cancel();
  });

  it('reads the upstream no faster than the client takes frames (backpressure)', async () => {
    let sent = 0;
    const source = upstream((controller) => {
      sent += 1;
      controller.enqueue(encoder.encode(`data: ${JSON.stringify({ text: String(sent) })}\n\n`));
    });
    const pumped = await begin(source, false);
    await turns(20);
    // Nobody reads the body: the pump is parked on one write, the upstream pulled a few times at most.
    const parked = source.state.pulls;
    expect(parked).toBeLessThanOrEqual(4);
    await turns(20);
    expect(source.state.pulls).toBe(parked);
    const reader = pumped.body.getReader();
    for (let index = 0; index < 10; index++) await reader.read();
    expect(source.state.pulls).toBeGreaterThanOrEqual(parked + 9);
    await reader.cancel();
    expect(await pumped.done).toEqual({ outcome: 'cancelled', failure: null });
  });

  it('an empty frame (a zero-byte write into the native pipe) does not stall the frames after it', async () => {
    const source = upstream();
    const translator = fakeTranslator();
    const push = translator.push.bind(translator);
    translator.push = (event) => (JSON.parse(event.data).text === 'quiet' ? [''] : push(event));
    source.event({ text: 'a' });
    const start = await startStream(source.response, translator, TIMINGS, Date.now());
    if (!start.ok) throw new Error('stream did not start');
    const pumped = pumpStream(start, translator, TIMINGS);
    source.event({ text: 'quiet' });
    source.event({ text: 'b' });
    source.event({ done: true });
    source.close();
    expect(await new Response(pumped.body).text()).toBe('[text a][text b][done][end]');
    expect(await pumped.done).toEqual({ outcome: 'completed', failure: null });
  });

  it('a client that goes away ends the attempt as cancelled and cancels the upstream', async () => {
    const source = upstream();
    const pumped = await begin(source);
    const reader = pumped.body.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('[text a]');
    await reader.cancel();
    source.event({ text: 'b' });
    expect(await pumped.done).toEqual({ outcome: 'cancelled', failure: null });
    expect(source.state.cancelled).toBe(true);
  });

  it('an upstream that breaks mid-stream ends with the error frame, outcome broken', async () => {
    const source = upstream();
    const pumped = await begin(source);
    const reader = pumped.body.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('[text a]');
    source.event({ text: 'b' });
    expect(decoder.decode((await reader.read()).value)).toBe('[text b]');
    // (Erroring a stream drops what it still queues, so the error follows a frame already taken.)
    source.error();
    expect(decoder.decode((await reader.read()).value)).toBe('[error The upstream connection broke mid-stream.]');
    expect((await reader.read()).done).toBe(true);
    const result = await pumped.done;
    expect(result.outcome).toBe('broken');
    expect(result.failure?.error_class).toBe('mid_stream');
  });
});

// A fetch body is a native byte stream in workerd: sse-reader reads it BYOB into one reused
// buffer. An IdentityTransformStream's readable is the same kind of native stream.
describe('readSourceEvents on a native byte stream (BYOB)', () => {
  it('takes the BYOB path, and hands out each event as soon as its bytes arrive, without waiting to fill the buffer', async () => {
    const { readable, writable } = new IdentityTransformStream();
    expect(byteSource(new IdentityTransformStream().readable).byob).toBe(true);
    const writer = writable.getWriter();
    const reader = readSourceEvents(readable);
    for (const text of ['one', 'two', 'three']) {
      void writer.write(encoder.encode(`data: ${text}\n\n`));
      expect((await reader.read()).value?.data).toBe(text);
    }
    void writer.close();
    expect((await reader.read()).done).toBe(true);
  });

  it('an event larger than the buffer, split across writes and reads, arrives whole and in order', async () => {
    const { readable, writable } = new IdentityTransformStream();
    const writer = writable.getWriter();
    const big = 'y'.repeat(READ_BUFFER_BYTES * 2 + 5);
    const bytes = encoder.encode(`data: ${big}\n\ndata: after\n\n`);
    void (async () => {
      for (let at = 0; at < bytes.length; at += 7_000) await writer.write(bytes.slice(at, at + 7_000));
      await writer.close();
    })();
    const reader = readSourceEvents(readable);
    expect((await reader.read()).value?.data).toBe(big);
    expect((await reader.read()).value?.data).toBe('after');
    expect((await reader.read()).done).toBe(true);
  });
});

