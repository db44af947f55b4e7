// Reading a request body: bounded in size, decoded strictly as UTF-8, parsed as JSON.
import type { Result } from '../protocols/types';
import type { GatewayError } from '../errors';

export interface JsonBody {
  raw: string;
  json: unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export async function readJsonBody(request: Request, limitBytes: number): Promise<Result<JsonBody, GatewayError>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limitBytes) return tooLarge(limitBytes);
  if (!request.body) return { ok: false, error: { kind: 'invalid_request', message: 'Request body is required.' } };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => undefined);
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

function tooLarge(limitBytes: number): Result<JsonBody, GatewayError> {
  return { ok: false, error: { kind: 'payload_too_large', message: `Request body exceeds ${limitBytes} bytes.` } };
}
