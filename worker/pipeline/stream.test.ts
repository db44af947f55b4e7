// startStream and pumpStream on a plain `new Response(stream)`, no stack: frames are held back
// until the first token, an error or a silence before it is a retryable failure, after it the
// stream ends with the translator's error frame, a client that leaves cancels the upstream,
// and frames come out in the order the upstream sent them, however its bytes are chunked.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { GatewayError } from '../errors';
import type { ResponseContext, SourceEvent, StreamObservation, StreamTranslator } from '../protocols/types';
import { createStreamTranslator, parseInbound } from '../protocols';
import { pumpStream, startStream, type StreamTimings } from './stream';

const encoder = new TextEncoder();
const TIMINGS: StreamTimings = { ttftMs: 2_000, idleMs: 2_000 };

/** An upstream body the test writes into, and whether the pipeline cancelled it. */
function upstream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    start(given) {
      controller = given;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return {
    response: new Response(body),
    state,
    send: (text: string) => controller.enqueue(encoder.encode(text)),
    event: (data: unknown) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(data)}\n\n`)),
    close: () => controller.close(),
  };
}

/**
 * A translator whose rules are visible in the test: `{text}` is a token, `{role}` is not,
 * `{done}` completes, `{error}` is an upstream error; each event becomes one frame.
 */
function fakeTranslator(): StreamTranslator {
  const observation: StreamObservation = { first_token: false, usage: null, finish_reason: null, upstream_error: null, completed: false, output_characters: 0 };
  return {
    observation,
    push(event: SourceEvent) {
      const data = JSON.parse(event.data) as { text?: string; role?: string; done?: boolean; error?: number };
      if (data.error !== undefined) {
        observation.upstream_error = { kind: 'upstream', status: data.error, error_class: 'rate_limit', message: 'slow down', retry_after_s: 7 };
        return [];
      }
      if (data.done) {
        observation.completed = true;
        return ['[done]'];
      }
      if (data.text !== undefined) {
        observation.first_token = true;
        observation.output_characters += data.text.length;
        return [`[text ${data.text}]`];
      }
      return [`[role ${data.role}]`];
    },
    end: () => ['[end]'],
    fail: (error: GatewayError) => [`[error ${error.kind === 'upstream' ? error.error_class : error.kind}: ${error.message}]`],
  };
}

const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startStream', () => {
  it('holds frames back until the first token, then hands them over in order', async () => {
    const source = upstream();
    const translator = fakeTranslator();
    let settled = false;
    const started = startStream(source.response, translator, TIMINGS, Date.now()).then((start) => {
      settled = true;
      return start;
    });
    source.event({ role: 'assistant' });
    await tick();
    expect(settled).toBe(false);
    source.event({ text: 'Hi' });
    const start = await started;
    expect(start.ok).toBe(true);
    if (!start.ok) return;
    expect(start.pending).toEqual(['[role assistant]', '[text Hi]']);
    expect(start.first_token_at).not.toBeNull();
    expect(start.ended).toBe(false);
  });

  it('an upstream error before the first token is a failure with its class and Retry-After, and the upstream is cancelled', async () => {
    const source = upstream();
    const started = startStream(source.response, fakeTranslator(), TIMINGS, Date.now());
    source.event({ role: 'assistant' });
    source.event({ error: 429 });
    const start = await started;
    expect(start).toEqual({ ok: false, failure: { status: 429, error_class: 'rate_limit', message: 'slow down', retry_after_s: 7 } });
    expect(source.state.cancelled).toBe(true);
  });

  it('a stream that closes before any content is a retryable server failure', async () => {
    const source = upstream();
    const started = startStream(source.response, fakeTranslator(), TIMINGS, Date.now());
    source.event({ role: 'assistant' });
    source.close();
    const start = await started;
    expect(start.ok).toBe(false);
    if (start.ok) return;
    expect(start.failure).toMatchObject({ status: 502, error_class: 'server' });
  });

  it('no first token within the TTFT limit is a timeout, and the upstream is cancelled', async () => {
    const source = upstream();
    const started = startStream(source.response, fakeTranslator(), { ttftMs: 60, idleMs: 2_000 }, Date.now());
    source.event({ role: 'assistant' });
    const start = await started;
    expect(start).toEqual({ ok: false, failure: { status: 504, error_class: 'timeout', message: 'The upstream sent no content in time.' } });
    expect(source.state.cancelled).toBe(true);
  });

  it('a complete answer without any token (an empty reply) is a success that has ended', async () => {
    const source = upstream();
    const started = startStream(source.response, fakeTranslator(), TIMINGS, Date.now());
    source.event({ done: true });
    source.close();
    const start = await started;
    expect(start).toMatchObject({ ok: true, pending: ['[done]', '[end]'], first_token_at: null, ended: true });
    if (!start.ok) return;
    const pumped = pumpStream(start, fakeTranslator(), TIMINGS);
    expect(await new Response(pumped.body).text()).toBe('[done][end]');
    expect(await pumped.done).toEqual({ outcome: 'completed', failure: null });
  });
});

async function begin(source: ReturnType<typeof upstream>, translator: StreamTranslator, timings = TIMINGS) {
  const started = startStream(source.response, translator, timings, Date.now());
  source.event({ text: 'a' });
  const start = await started;
  if (!start.ok) throw new Error('stream did not start');
  return pumpStream(start, translator, timings);
}

describe('pumpStream', () => {
  it('writes the held-back frames, then every later frame, then the closing frames', async () => {
    const source = upstream();
    const pumped = await begin(source, fakeTranslator());
    source.event({ text: 'b' });
    source.event({ done: true });
    source.close();
    expect(await new Response(pumped.body).text()).toBe('[text a][text b][done][end]');
    expect(await pumped.done).toEqual({ outcome: 'completed', failure: null });
  });

  it('silence longer than the idle limit after the first token breaks the stream with an error frame', async () => {
    const source = upstream();
    const pumped = await begin(source, fakeTranslator(), { ttftMs: 2_000, idleMs: 60 });
    const text = await new Response(pumped.body).text();
    expect(text).toBe('[text a][error timeout: The upstream stopped sending mid-stream.]');
    const result = await pumped.done;
    expect(result.outcome).toBe('broken');
    expect(result.failure).toMatchObject({ status: 504, error_class: 'timeout' });
    expect(source.state.cancelled).toBe(true);
  });

  it('a long stream arms no timer per chunk: the idle time-out is one timer per stream (O(1), not O(chunks))', async () => {
    const source = upstream();
    const pumped = await begin(source, fakeTranslator(), { ttftMs: 2_000, idleMs: 5_000 });
    const reader = pumped.body.getReader();
    await reader.read(); // the held-back first frame
    const armed = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 500; i++) await (source.event({ text: `t${i}` }), reader.read());
    source.event({ done: true }), source.close();
    while (!(await reader.read()).done);
    const timers = armed.mock.calls.length;
    armed.mockRestore();
    expect(await pumped.done).toEqual({ outcome: 'completed', failure: null });
    expect(timers).toBeLessThanOrEqual(2); // a timer per read (the old readWithin) armed 500

  });

  it('a stream that keeps sending within the idle limit is never timed out, however long it lasts', async () => {
    const source = upstream();
    const pumped = await begin(source, fakeTranslator(), { ttftMs: 2_000, idleMs: 80 });
    for (let i = 0; i < 6; i++) await tick(40).then(() => source.event({ text: `${i}` }));
    source.event({ done: true }), source.close();
    expect(await new Response(pumped.body).text()).toBe('[text a][text 0][text 1][text 2][text 3][text 4][text 5][done][end]');
  });

  it('an upstream error after the first token is mid_stream: an error frame, never a clean finish', async () => {
    const source = upstream();
    const pumped = await begin(source, fakeTranslator());
    source.event({ error: 500 });
    const text = await new Response(pumped.body).text();
    expect(text).toBe('[text a][error mid_stream: slow down]');
    expect(await pumped.done).toEqual({ outcome: 'broken', failure: { status: 500, error_class: 'mid_stream', message: 'slow down' } });
  });

  it('an upstream that ends before its terminal event is broken, not completed', async () => {
    const source = upstream();
    const pumped = await begin(source, fakeTranslator());
    source.close();
    expect(await new Response(pumped.body).text()).toBe('[text a][error mid_stream: The upstream ended the stream before it was complete.]');
    expect((await pumped.done).outcome).toBe('broken');
  });

  it('a client that goes away ends the attempt as cancelled and cancels the upstream', async () => {
    const source = upstream();
    const pumped = await begin(source, fakeTranslator());
    const reader = pumped.body.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('[text a]');
    await reader.cancel();
    source.event({ text: 'b' });
    expect(await pumped.done).toEqual({ outcome: 'cancelled', failure: null });
    expect(source.state.cancelled).toBe(true);
  });

  it('never reorders frames, however the upstream bytes are split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('x', 'y', 'é', '😀', ' ') }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 30 }),
        async (texts, cuts) => {
          const bytes = encoder.encode(
            [...texts.map((text) => `data: ${JSON.stringify({ text })}\n\n`), `data: ${JSON.stringify({ done: true })}\n\n`].join(''),
          );
          // The same bytes in arbitrary pieces, some splitting a UTF-8 character or an SSE line.
          const pieces: Uint8Array[] = [];
          for (let offset = 0, index = 0; offset < bytes.length; index++) {
            const size = cuts[index % cuts.length] ?? 1;
            pieces.push(bytes.slice(offset, offset + size));
            offset += size;
          }
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              for (const piece of pieces) controller.enqueue(piece);
              controller.close();
            },
          });
          const translator = fakeTranslator();
          const start = await startStream(new Response(body), translator, TIMINGS, Date.now());
          if (!start.ok) throw new Error('stream did not start');
          const pumped = pumpStream(start, translator, TIMINGS);
          const text = await new Response(pumped.body).text();
          expect(text).toBe(`${texts.map((entry) => `[text ${entry}]`).join('')}[done][end]`);
          expect((await pumped.done).outcome).toBe('completed');
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('with a real translator (an Anthropic client on an OpenAI channel)', () => {
  const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../protocols/openai/fixtures', name), 'utf8');
  const context: ResponseContext = { request_id: 'req-1', model: 'm', created_ms: 1_700_000_000_000, channel_id: 'ch', price: { input_per_mtok: 1, output_per_mtok: 2 } };

  function anthropicTranslator(): StreamTranslator {
    const body = { model: 'm', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] };
    const parsed = parseInbound('anthropic', body, JSON.stringify(body), { operation: 'generate' });
    if (!parsed.ok) throw new Error(parsed.error.message);
    return createStreamTranslator(parsed.value, 'openai', context);
  }

  function sse(name: string, done: boolean): Response {
    const lines = fixture(name).split('\n').filter((line) => line.trim() !== '');
    return new Response([...lines.map((line) => `data: ${line}\n\n`), done ? 'data: [DONE]\n\n' : ''].join(''));
  }

  function events(text: string): string[] {
    return [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1] ?? '');
  }

  it('translates a whole stream: message_start first, the text in order, message_stop last', async () => {
    const translator = anthropicTranslator();
    const start = await startStream(sse('chat-stream.chunks.txt', true), translator, TIMINGS, Date.now());
    if (!start.ok) throw new Error(start.failure.message);
    const pumped = pumpStream(start, translator, TIMINGS);
    const text = await new Response(pumped.body).text();
    expect((await pumped.done).outcome).toBe('completed');
    const names = events(text);
    expect(names[0]).toBe('message_start');
    expect(names.at(-1)).toBe('message_stop');
    const deltas = [...text.matchAll(/"text_delta","text":"([^"]*)"/g)].map((match) => match[1]).join('');
    expect(deltas).toBe('Hello! How can I help?');
  });

  it('an upstream error after the first token ends with an Anthropic error event, not message_stop', async () => {
    const translator = anthropicTranslator();
    const start = await startStream(sse('chat-stream-error.chunks.txt', false), translator, TIMINGS, Date.now());
    if (!start.ok) throw new Error(start.failure.message);
    const pumped = pumpStream(start, translator, TIMINGS);
    const text = await new Response(pumped.body).text();
    const result = await pumped.done;
    expect(result.outcome).toBe('broken');
    expect(result.failure?.error_class).toBe('mid_stream');
    expect(events(text).at(-1)).toBe('error');
    expect(events(text)).not.toContain('message_stop');
  });
});
