// Trace and span ids derived from the request id alone, so that attempts stored in different
// batches, or by different analytics nodes, land in one trace under one root span.
import { createHash } from 'node:crypto';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A valid id is never all zeros (the OTLP "invalid" id); a digest that is gets a 1 at the end. */
function hexId(bytes: Buffer): string {
  if (bytes.every((byte) => byte === 0)) bytes[bytes.length - 1] = 1;
  return bytes.toString('hex');
}

/** 16 bytes: the first half of SHA-256(request_id). */
export function traceIdOf(requestId: string): string {
  return hexId(sha256(requestId).subarray(0, 16));
}

/** The request's root span: the 8 bytes after the trace id in the same digest. */
export function requestSpanIdOf(requestId: string): string {
  return hexId(sha256(requestId).subarray(16, 24));
}

/** One attempt's span: SHA-256 of the request id and the attempt number. */
export function attemptSpanIdOf(requestId: string, attempt: number): string {
  return hexId(sha256(`${requestId}\n${attempt}`).subarray(0, 8));
}
