// POST /admin/channels/rotate-credentials (`npm run admin -- rotate-credentials`): seal every
// stored channel credential under the current key of CREDENTIALS_KEY, plaintext rows
// included. Only the worker holds the keys, so rotation runs here. Idempotent.
// Rotation: put the new key first in CREDENTIALS_KEY (keeping the old one after it), call
// this, check `failed` is empty, then drop the old key from the binding.
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { errorResponse } from '../pipeline/respond';
import { invalidateCaches } from '../admin/respond';
import { credentialKeyring } from './keyring';
import { resealCredentials } from './reseal';

export async function rotateCredentialsRoute(c: Context<AppEnv>): Promise<Response> {
  const keyring = await credentialKeyring(c.env);
  if (!keyring.ok) {
    return errorResponse(c, 'openai', { kind: 'conflict', message: `Credentials cannot be rotated: ${keyring.error.message}.` });
  }
  const summary = await resealCredentials(c.env.DB, keyring.value, 'rotate', Date.now());
  invalidateCaches(c, { catalog: true });
  return c.json({ rotated: summary });
}
