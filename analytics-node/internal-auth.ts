// `Authorization: Bearer <internal secret>`, compared in constant time (both sides hashed
// to SHA-256 first, so neither the length nor a prefix of the secret leaks through timing).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { unauthorized } from './auth-errors';

export function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function secretMatches(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected);
}

export function bearerOf(header: string | undefined): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? null;
}

export function internalAuth(internalSecret: string): MiddlewareHandler {
  if (internalSecret.length === 0) throw new Error('internalSecret must not be empty');
  const expected = digest(internalSecret);
  return async function internalAuthMiddleware(c, next) {
    const presented = bearerOf(c.req.header('authorization'));
    if (presented === null || !secretMatches(presented, expected)) return unauthorized(c);
    await next();
  };
}
