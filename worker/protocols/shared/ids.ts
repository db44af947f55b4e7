// Deterministic ids in each dialect's own form, derived from the request id, so the same
// request always renders the same bytes (no randomness, no clock).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 53-bit string hash (cyrb53): fast, pure, well spread. Not cryptographic. */
function hash53(text: string, seed: number): number {
  let first = 0xdeadbeef ^ seed;
  let second = 0x41c6ce57 ^ seed;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 2654435761);
    second = Math.imul(second ^ code, 1597334677);
  }
  first = Math.imul(first ^ (first >>> 16), 2246822507) ^ Math.imul(second ^ (second >>> 13), 3266489909);
  second = Math.imul(second ^ (second >>> 16), 2246822507) ^ Math.imul(first ^ (first >>> 13), 3266489909);
  return 4294967296 * (2097151 & second) + (first >>> 0);
}

function encode(value: number, length: number): string {
  let output = '';
  let rest = value;
  for (let index = 0; index < length; index += 1) {
    output += ALPHABET[rest % ALPHABET.length];
    rest = Math.floor(rest / ALPHABET.length);
  }
  return output;
}

/** `prefix` + 24 base62 characters derived from (request id, salt). */
export function deriveId(prefix: string, requestId: string, salt = ''): string {
  const source = `${requestId}\u0000${salt}`;
  return prefix + encode(hash53(source, 1), 8) + encode(hash53(source, 2), 8) + encode(hash53(source, 3), 8);
}

export const ids = {
  openaiCompletion: (requestId: string) => deriveId('chatcmpl-', requestId),
  openaiToolCall: (requestId: string, index: number) => deriveId('call_', requestId, `tool:${index}`),
  anthropicMessage: (requestId: string) => deriveId('msg_', requestId),
  anthropicToolUse: (requestId: string, index: number) => deriveId('toolu_', requestId, `tool:${index}`),
  geminiResponse: (requestId: string) => deriveId('', requestId),
};
