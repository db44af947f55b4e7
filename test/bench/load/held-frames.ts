// The held-stream wire format shared by the lean upstream (held-upstream.ts) and the load
// client's checker (frame-checker.ts): an OpenAI chat-completions SSE stream whose every
// content delta is `<sequence>.<nonce>;` — the frame's position in its stream and the
// stream's own number — so a client can prove, without a reference copy of the answer, that
// no frame was lost, duplicated, reordered or delivered to the wrong stream.

/** The prompt that asks the upstream for stream `nonce`; the upstream reads the number back. */
export const heldPrompt = (nonce: number) => `held-stream ${nonce}: tell me about gateways.`;

const NONCE_MARKER = 'held-stream ';

/** The nonce in a request body, or 0 when it carries none (warm-ups). */
export function nonceOfBody(body: string): number {
  const at = body.indexOf(NONCE_MARKER);
  if (at < 0) return 0;
  let nonce = 0;
  for (let index = at + NONCE_MARKER.length; index < body.length; index += 1) {
    const code = body.charCodeAt(index);
    if (code < 48 || code > 57) break;
    nonce = nonce * 10 + (code - 48);
  }
  return nonce;
}

/** The text of content delta `sequence` (0-based) of stream `nonce`. */
export const frameContent = (sequence: number, nonce: number) => `${sequence}.${nonce};`;

const CHUNK_HEAD = '{"id":"chatcmpl-held","object":"chat.completion.chunk","created":1700000000,"model":"held","choices":[{"index":0,"delta":';

/** Frame 0 opens with the role (as OpenAI does), each later one carries one content delta. */
export function contentFrame(sequence: number, nonce: number): string {
  const role = sequence === 0 ? '"role":"assistant",' : '';
  return `data: ${CHUNK_HEAD}{${role}"content":"${frameContent(sequence, nonce)}"},"finish_reason":null}]}\n\n`;
}

/** What follows the last content delta: the finish reason, usage, and [DONE]. */
export function closingFrames(frames: number): string {
  return (
    `data: ${CHUNK_HEAD}{},"finish_reason":"stop"}]}\n\n` +
    `data: {"id":"chatcmpl-held","object":"chat.completion.chunk","created":1700000000,"model":"held","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":${frames},"total_tokens":${frames + 12}}}\n\n` +
    'data: [DONE]\n\n'
  );
}

/** The whole body's length in bytes (every character is ASCII), for content-length. */
export function streamLength(frames: number, nonce: number): number {
  let length = closingFrames(frames).length;
  for (let sequence = 0; sequence < frames; sequence += 1) length += contentFrame(sequence, nonce).length;
  return length;
}

/** The rolling checksum the checker folds every content byte into (FNV-1a, 32 bits). */
export function foldByte(checksum: number, byte: number): number {
  return Math.imul(checksum ^ byte, 16777619) >>> 0;
}

export const CHECKSUM_SEED = 2166136261;

/** The checksum of a clean stream's content bytes, computed once per stream, not per frame. */
export function expectedChecksum(frames: number, nonce: number): number {
  let checksum = CHECKSUM_SEED;
  for (let sequence = 0; sequence < frames; sequence += 1) {
    const text = frameContent(sequence, nonce);
    for (let index = 0; index < text.length; index += 1) checksum = foldByte(checksum, text.charCodeAt(index));
  }
  return checksum;
}
