// Reading a request body: bounded in size, decoded strictly as UTF-8, parsed as JSON.
//
// A body that declares its length (every SDK's JSON request does) is read in one native call
// (`arrayBuffer()`): the reader loop cost ~6 % of the isolate's time per request on a small
// chat (the stream object, the reader, a promise per chunk; docs/perf-notes-runtime.md). The
// HTTP layer delivers no more than the declared length (HTTP/1.1 framing; HTTP/2 calls a
// mismatch malformed); the size is checked again after the read anyway, so a request built in
// process with a false content-length is still refused. A body without a declared length, or
// that also says `transfer-encoding` (which overrides the length), is read chunk by chunk and
// cut at the limit, never held whole.
import type { Result } from '../protocols/types';
import type { GatewayError } from '../errors';

export interface JsonBody {
  raw: string;
  json: unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export async function readJsonBody(request: Request, limitBytes: number): Promise<Result<JsonBody, GatewayError>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limitBytes) {
    if (request.body && declared <= limitBytes + lingerBytes(limitBytes)) await drainOrCancel(request.body.getReader(), declared);
    return tooLarge(limitBytes);
  }
  if (declared > 0 && Number.isSafeInteger(declared) && !request.headers.has('transfer-encoding')) {
    const whole = new Uint8Array(await request.arrayBuffer());
    return whole.byteLength > limitBytes ? tooLarge(limitBytes) : parsed(whole);
  }
  if (!request.body) return { ok: false, error: { kind: 'invalid_request', message: 'Request body is required.' } };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await drainOrCancel(reader, lingerBytes(limitBytes));
      return tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return parsed(bytes);
}

function parsed(bytes: Uint8Array): Result<JsonBody, GatewayError> {
  let raw: string;
  try {
    raw = decoder.decode(bytes);
  } catch {
    return { ok: false, error: { kind: 'invalid_request', message: 'Request body is not valid UTF-8.' } };
  }
  if (raw.trim() === '') return { ok: false, error: { kind: 'invalid_request', message: 'Request body is required.' } };
  try {
    return { ok: true, value: { raw, json: JSON.parse(raw) as unknown } };
  } catch {
    return { ok: false, error: { kind: 'invalid_request', message: 'Request body is not valid JSON.' } };
  }
}

/**
 * Past the limit we still read (and drop) a bounded amount before answering, as servers do
 * with a "lingering close": a client still writing a body that is only a little too large
 * then reads our 413 instead of a connection reset. Beyond the bound the body is cancelled.
 */
function lingerBytes(limitBytes: number): number {
  return Math.min(Math.max(limitBytes, 1024 * 1024), 16 * 1024 * 1024);
}

async function drainOrCancel(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  let drained = 0;
  try {
    while (drained <= budget) {
      const { done, value } = await reader.read();
      if (done) return;
      drained += value.byteLength;
    }
  } catch {
    return;
  }
  await reader.cancel().catch(() => undefined);
}

function tooLarge(limitBytes: number): Result<JsonBody, GatewayError> {
  return { ok: false, error: { kind: 'payload_too_large', message: `Request body exceeds ${limitBytes} bytes.` } };
}
