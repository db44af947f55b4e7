// Random bearer values (session ids, CSRF tokens, invite tokens): 256 bits, base64url. Only
// their SHA-256 is stored, so a copy of the DuckDB file opens no session and no invite.
import { createHash, randomBytes } from 'node:crypto';

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A plausible token: base64url of 32 bytes. Anything else is refused before any lookup. */
export function isTokenShaped(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);
}
