// A channel credential sealed for D1 with AES-256-GCM:
//   enc:v1:<key id>:<iv, base64url>:<ciphertext and tag, base64url>
// The key id travels inside the value, so keys rotate without a schema change. The
// additional data binds the value to its channel id (and key id): a ciphertext copied into
// another channel's row does not open there.
import { base64Decode, base64UrlEncode } from './base64';
import type { Keyring } from './keyring';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** How a stored api_key value holds the credential. */
export type StoredCredential =
  | { kind: 'none' }
  | { kind: 'env'; name: string }
  | { kind: 'sealed'; key_id: string }
  /** Written before encryption existed; sealed by the next config apply or rotation. */
  | { kind: 'plaintext' };

export function describeStored(value: string): StoredCredential {
  if (value === '') return { kind: 'none' };
  if (value.startsWith('env:')) return { kind: 'env', name: value.slice(4) };
  // Any `enc:` value counts as sealed (a future version, or a damaged one): it must never be
  // sent upstream or re-sealed as if it were the credential itself.
  if (isSealed(value)) return { kind: 'sealed', key_id: value.startsWith(PREFIX) ? (value.slice(PREFIX.length).split(':')[0] ?? '') : '' };
  return { kind: 'plaintext' };
}

/** Whether a value looks sealed (so it must never be taken as a literal credential). */
export function isSealed(value: string): boolean {
  return value.startsWith('enc:');
}

export async function sealCredential(keyring: Keyring, channelId: string, plaintext: string): Promise<string> {
  const key = keyring.keys.get(keyring.current)!; // the current id is always one of the keys
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: additionalData(keyring.current, channelId) },
    key,
    encoder.encode(plaintext),
  );
  return `${PREFIX}${keyring.current}:${base64UrlEncode(iv)}:${base64UrlEncode(new Uint8Array(sealed))}`;
}

/** Why a sealed value did not open. Safe to log: names no key and no credential. */
export type OpenProblem = 'malformed' | 'unknown_key_id' | 'does_not_open';

export type OpenResult = { ok: true; value: string } | { ok: false; error: OpenProblem };

export async function openCredential(keyring: Keyring, channelId: string, stored: string): Promise<OpenResult> {
  if (!stored.startsWith(PREFIX)) return { ok: false, error: 'malformed' };
  const parts = stored.slice(PREFIX.length).split(':');
  if (parts.length !== 3) return { ok: false, error: 'malformed' };
  const [keyId, ivText, sealedText] = parts as [string, string, string];
  const key = keyring.keys.get(keyId);
  if (!key) return { ok: false, error: 'unknown_key_id' };
  const iv = base64Decode(ivText);
  const sealed = base64Decode(sealedText);
  if (!iv || iv.length !== IV_BYTES || !sealed) return { ok: false, error: 'malformed' };
  try {
    const opened = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: additionalData(keyId, channelId) }, key, sealed);
    return { ok: true, value: decoder.decode(opened) };
  } catch {
    // GCM's tag check failed: tampered, another channel's value, or a different key under this id.
    return { ok: false, error: 'does_not_open' };
  }
}

function additionalData(keyId: string, channelId: string): Uint8Array {
  return encoder.encode(`switchboard/channel-credential/v1/${keyId}/${channelId}`);
}
