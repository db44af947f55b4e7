// Password hashing for end users: scrypt (memory-hard, in node:crypto) with N = 2^15, r = 8,
// p = 1, a 32-byte random salt and a 64-byte key. The parameters are stored with the hash
// (`scrypt$N$r$p$salt$key`, base64) so they can be raised later without breaking old hashes;
// `needsRehash` says when a sign-in should store a fresh one. Compared in constant time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMETERS: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 32;
const KEY_BYTES = 64;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, parameters: ScryptParameters, length: number): Promise<Buffer> {
  // scrypt needs 128 · N · r bytes; node's default cap (32 MiB) is exactly that at N = 2^15, so leave room.
  const options: ScryptOptions = { ...parameters, maxmem: 256 * parameters.N * parameters.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string, parameters: ScryptParameters = CURRENT_PARAMETERS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, parameters, KEY_BYTES);
  return ['scrypt', parameters.N, parameters.r, parameters.p, salt.toString('base64'), key.toString('base64')].join('$');
}

function parse(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((value) => Number.isInteger(value) && value > 0) || N > 2 ** 20 || r > 32 || p > 16) return null;
  return { parameters: { N, r, p }, salt: Buffer.from(parts[4]!, 'base64'), key: Buffer.from(parts[5]!, 'base64') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === null || parsed.key.length === 0) return false;
  const candidate = await derive(password, parsed.salt, parsed.parameters, parsed.key.length);
  return timingSafeEqual(candidate, parsed.key);
}

export function needsRehash(stored: string, parameters: ScryptParameters = CURRENT_PARAMETERS): boolean {
  const parsed = parse(stored);
  return parsed === null || parsed.parameters.N < parameters.N || parsed.parameters.r < parameters.r || parsed.parameters.p < parameters.p;
}

/** A dummy hash to verify against when the account is unknown, so both paths cost the same. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'password: expected a string';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    return `password: ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;
  }
  return null;
}
