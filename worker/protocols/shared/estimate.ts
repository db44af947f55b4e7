// A cheap input-token estimate for routing and balance reservation: ~4 characters a token
// over every string in the body, with inline media (data: URLs, base64 `data` fields) counted
// as a flat amount instead of their encoded length.

const MEDIA_TOKENS = 800;
const LARGE_DATA = 1024;

function isInlineMedia(key: string | null, text: string): boolean {
  if (text.startsWith('data:')) return true;
  return key === 'data' && text.length > LARGE_DATA;
}

export function estimateTokens(body: unknown): number {
  let characters = 0;
  let media = 0;
  const stack: [string | null, unknown][] = [[null, body]];
  let visited = 0;
  while (stack.length > 0 && visited < 200_000) {
    const [key, value] = stack.pop() as [string | null, unknown];
    visited += 1;
    if (typeof value === 'string') {
      if (isInlineMedia(key, value)) media += 1;
      else characters += value.length;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push([key, item]);
    } else if (typeof value === 'object' && value !== null) {
      for (const [childKey, item] of Object.entries(value)) stack.push([childKey, item]);
    }
  }
  return Math.ceil(characters / 4) + media * MEDIA_TOKENS;
}
