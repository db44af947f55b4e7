// The credential keys of this isolate, from the secret binding CREDENTIALS_KEY:
//   CREDENTIALS_KEY = "<id>:<base64 of 32 bytes>[,<id>:<base64>…]"
// The first entry is the current key (new values are sealed under it); the others only open
// values sealed before a rotation. A bare base64 value is the single key with id "k0".
// Imported CryptoKeys are cached per isolate (never the credentials they open), keyed by the
// binding's text so a changed binding is picked up at once.
import { base64Decode } from './base64';

export const CREDENTIALS_BINDING = 'CREDENTIALS_KEY';
const DEFAULT_KEY_ID = 'k0';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface Keyring {
  /** Id of the key new values are sealed under. */
  current: string;
  keys: ReadonlyMap<string, CryptoKey>;
}

export type KeyringResult = { ok: true; value: Keyring } | { ok: false; error: KeyringProblem };

/** Why there is no keyring. The message names the binding, never its value. */
export type KeyringProblem = { kind: 'missing'; message: string } | { kind: 'invalid'; message: string };

let cached: { source: string; keyring: Keyring } | null = null;

/** The keyring from the environment, or why there is none. */
export async function credentialKeyring(env: Record<string, unknown>): Promise<KeyringResult> {
  const source = env[CREDENTIALS_BINDING];
  if (typeof source !== 'string' || source.trim() === '') {
    return { ok: false, error: { kind: 'missing', message: `the ${CREDENTIALS_BINDING} secret binding is not configured` } };
  }
  if (cached?.source === source) return { ok: true, value: cached.keyring };
  const parsed = parseKeyring(source);
  if (!parsed.ok) return parsed;
  const keys = new Map<string, CryptoKey>();
  for (const [id, bytes] of parsed.value.keys) {
    keys.set(id, await crypto.subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']));
  }
  const keyring: Keyring = { current: parsed.value.current, keys };
  cached = { source, keyring };
  return { ok: true, value: keyring };
}

interface RawKeyring {
  current: string;
  keys: Map<string, Uint8Array<ArrayBuffer>>;
}

/** Parse the binding's text. Pure; errors never quote the value. */
export function parseKeyring(source: string): { ok: true; value: RawKeyring } | { ok: false; error: KeyringProblem } {
  const entries = source.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const keys = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(':');
    const id = separator < 0 ? DEFAULT_KEY_ID : entry.slice(0, separator);
    const encoded = separator < 0 ? entry : entry.slice(separator + 1);
    const invalid = (why: string) => ({ ok: false as const, error: { kind: 'invalid' as const, message: `${CREDENTIALS_BINDING} entry ${index + 1}: ${why}` } });
    if (!KEY_ID.test(id)) return invalid('the key id must be 1 to 32 letters, digits, "-" or "_"');
    if (keys.has(id)) return invalid(`the key id "${id}" appears twice`);
    const bytes = base64Decode(encoded);
    if (!bytes || bytes.length !== 32) return invalid('the key must be the base64 of exactly 32 random bytes');
    keys.set(id, bytes);
  }
  const current = keys.keys().next().value;
  if (current === undefined) return { ok: false, error: { kind: 'missing', message: `the ${CREDENTIALS_BINDING} secret binding is empty` } };
  return { ok: true, value: { current, keys } };
}
