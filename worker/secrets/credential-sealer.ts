// What a written api_key becomes in D1: `env:NAME` stays a reference (resolved from the
// binding at call time), a literal credential is sealed under the current key, and without
// CREDENTIALS_KEY a literal is refused rather than stored in plaintext.
import type { GatewayError } from '../errors';
import { credentialKeyring, type KeyringResult } from './keyring';
import { isSealed, sealCredential } from './sealed-credential';

export type SealResult = { ok: true; value: string } | { ok: false; error: GatewayError };

/** Turns one channel's api_key into its stored form; `field` names it in errors. */
export type CredentialSealer = (channelId: string, apiKey: string, field: string) => Promise<SealResult>;

/** A sealer over this environment's keyring (read once, shared by every channel of a write). */
export async function credentialSealer(env: Record<string, unknown>): Promise<CredentialSealer> {
  return sealerFor(await credentialKeyring(env));
}

export function sealerFor(keyring: KeyringResult): CredentialSealer {
  return async (channelId, apiKey, field) => {
    if (apiKey === '' || apiKey.startsWith('env:')) return { ok: true, value: apiKey };
    if (isSealed(apiKey)) {
      return refuse(field, `${field}: an encrypted value cannot be written; give the credential itself or env:NAME`);
    }
    if (!keyring.ok) {
      return refuse(field, `${field}: a literal credential is stored only encrypted, and ${keyring.error.message}; set it (see README, Credentials at rest) or give env:NAME`);
    }
    return { ok: true, value: await sealCredential(keyring.value, channelId, apiKey) };
  };
}

function refuse(field: string, message: string): SealResult {
  return { ok: false, error: { kind: 'invalid_request', message, param: field } };
}
