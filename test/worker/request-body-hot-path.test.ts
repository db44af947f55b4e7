// readJsonBody (worker/pipeline/body.ts) reads a body that declares its length in one native
// call instead of a reader loop. The invariants it must keep, in the Workers runtime: the same
// text and JSON as the chunked path for any body; nothing over the limit is ever accepted,
// whatever the headers claim; a body whose length is not framed by content-length (chunked,
// or with transfer-encoding) is never read whole past the limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from '../../worker/pipeline/body';

const encoder = new TextEncoder();
const URL_ = 'http://worker/v1/chat/completions';

function declared(bytes: Uint8Array, headers: Record<string, string> = {}): Request {
  return new Request(URL_, { method: 'POST', body: bytes, headers: { 'content-length': String(bytes.byteLength), ...headers } });
}

/** A body of unknown length (no content-length), delivered in chunks; counts what was pulled. */
function chunked(chunks: Uint8Array[], headers: Record<string, string> = {}): { request: Request; pulled: () => number } {
  let index = 0;
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (!chunk) return controller.close();
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { request: new Request(URL_, { method: 'POST', body, headers, duplex: 'half' } as RequestInit), pulled: () => pulled };
}

function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += size) chunks.push(bytes.slice(offset, offset + size));
  return chunks;
}

describe('request body: declared length read at once', () => {
  it('gives the same text and JSON as the chunked path, for any JSON body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 1, max: 64 }), async (value, chunkSize) => {
        const text = JSON.stringify(value);
        const bytes = encoder.encode(text);
        const whole = await readJsonBody(declared(bytes), 1 << 20);
        const streamed = await readJsonBody(chunked(split(bytes, chunkSize)).request, 1 << 20);
        expect(whole).toEqual(streamed);
        expect(whole.ok && whole.value.raw).toBe(text);
        expect(whole.ok && whole.value.json).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a body over the limit, declared or not', async () => {
    const big = encoder.encode(JSON.stringify({ text: 'x'.repeat(5_000) }));
    expect(await readJsonBody(declared(big), 1_000)).toMatchObject({ ok: false, error: { kind: 'payload_too_large' } });
    expect(await readJsonBody(chunked(split(big, 512)).request, 1_000)).toMatchObject({ ok: false, error: { kind: 'payload_too_large' } });
  });

  it('refuses a body larger than its declared length once read (a request built in process)', async () => {
    const big = encoder.encode(JSON.stringify({ text: 'x'.repeat(5_000) }));
    const lying = new Request(URL_, { method: 'POST', body: big, headers: { 'content-length': '100' } });
    expect(await readJsonBody(lying, 1_000)).toMatchObject({ ok: false, error: { kind: 'payload_too_large' } });
  });

  it('never reads a transfer-encoded body whole past the limit, whatever content-length says', async () => {
    const chunk = encoder.encode('x'.repeat(64 * 1024));
    const body = chunked(Array.from({ length: 320 }, () => chunk), { 'content-length': '100', 'transfer-encoding': 'chunked' }); // 20 MiB
    expect(await readJsonBody(body.request, 1_000)).toMatchObject({ ok: false, error: { kind: 'payload_too_large' } });
    // The limit, then at most the lingering drain (1 MiB here) and a chunk or two in flight.
    expect(body.pulled()).toBeLessThan(1_000 + (1 << 20) + 4 * chunk.byteLength);
  });

  it('keeps the errors of the chunked path: bad UTF-8, empty, not JSON', async () => {
    expect(await readJsonBody(declared(new Uint8Array([0x7b, 0xff, 0x7d])), 1_000)).toMatchObject({ ok: false, error: { message: 'Request body is not valid UTF-8.' } });
    expect(await readJsonBody(declared(encoder.encode('   ')), 1_000)).toMatchObject({ ok: false, error: { message: 'Request body is required.' } });
    expect(await readJsonBody(declared(encoder.encode('{"a":')), 1_000)).toMatchObject({ ok: false, error: { message: 'Request body is not valid JSON.' } });
    expect(await readJsonBody(new Request(URL_, { method: 'POST' }), 1_000)).toMatchObject({ ok: false, error: { message: 'Request body is required.' } });
  });
});
