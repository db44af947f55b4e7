// A channel's upstream credential, resolved in the isolate at call time and never logged:
// `env:NAME` reads the secret binding NAME; a sealed value (`enc:v1:…`, see
// worker/secrets/sealed-credential.ts) is opened with CREDENTIALS_KEY; a plaintext row
// written before encryption existed is used as it is until a config apply or a rotation
// seals it. Only the imported CryptoKey is cached per isolate, never the credential.
import type { Bindings } from '../env';
import { credentialKeyring } from '../secrets/keyring';
import { describeStored, openCredential } from '../secrets/sealed-credential';

export type CredentialResult = { ok: true; value: string } | { ok: false; error: CredentialProblem };

/** Why a channel has no usable credential now. Names no secret. */
export type CredentialProblem =
  | { kind: 'env_missing'; name: string }
  | { kind: 'no_key'; message: string }
  | { kind: 'unknown_key_id' | 'malformed' | 'does_not_open' };

export async function channelCredential(channel: { id: string; api_key: string }, env: Bindings): Promise<CredentialResult> {
  const stored = describeStored(channel.api_key);
  switch (stored.kind) {
    case 'none':
      return { ok: true, value: '' };
    case 'plaintext':
      return { ok: true, value: channel.api_key };
    case 'env': {
      const resolved = env[stored.name];
      return typeof resolved === 'string' ? { ok: true, value: resolved } : { ok: false, error: { kind: 'env_missing', name: stored.name } };
    }
    case 'sealed': {
      const keyring = await credentialKeyring(env);
      if (!keyring.ok) return { ok: false, error: { kind: 'no_key', message: keyring.error.message } };
      const opened = await openCredential(keyring.value, channel.id, channel.api_key);
      return opened.ok ? opened : { ok: false, error: { kind: opened.error } };
    }
  }
}

/**
 * The credential to send, or '' when there is none usable. Fails closed: a value that does
 * not open is never sent in any form; the upstream then refuses the call, which the attempt
 * loop counts against the channel (a 401 is the channel's fault: retried elsewhere).
 */
export async function resolveCredential(channel: { id: string; api_key: string } | undefined, env: Bindings): Promise<string> {
  if (!channel) return '';
  const credential = await channelCredential(channel, env);
  if (credential.ok) return credential.value;
  // Logged for the operator: the channel and the reason, never the stored value or a key.
  console.error(`channel ${channel.id}: no usable credential (${describeProblem(credential.error)})`);
  return '';
}

function describeProblem(problem: CredentialProblem): string {
  switch (problem.kind) {
    case 'env_missing':
      return `binding ${problem.name} is not set`;
    case 'no_key':
      return problem.message;
    case 'unknown_key_id':
      return 'sealed under a key id CREDENTIALS_KEY does not hold';
    case 'malformed':
      return 'the sealed value is malformed';
    case 'does_not_open':
      return 'the sealed value does not open (tampered, moved from another channel, or a different key)';
  }
}
