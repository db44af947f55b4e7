// `Authorization: Bearer <internal secret>`, compared in constant time (both sides hashed
// to SHA-256 first, so neither the length nor a prefix of the secret leaks through timing).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function secretMatches(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected);
}

export function internalAuth(internalSecret: string): MiddlewareHandler {
  if (internalSecret.length === 0) throw new Error('internalSecret must not be empty');
  const expected = digest(internalSecret);
  return async function internalAuthMiddleware(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (match === null || !secretMatches(match[1]!, expected)) {
      return c.json({ error: 'unauthorized' }, 401);
    }
    await next();
  };
}
