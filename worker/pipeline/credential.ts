// A channel's upstream credential, resolved in the isolate at call time and never logged:
// `env:NAME` reads the secret binding NAME; anything else is the stored value.
import type { Bindings } from '../env';

export async function resolveCredential(channel: { api_key: string } | undefined, env: Bindings): Promise<string> {
  const value = channel?.api_key ?? '';
  if (!value.startsWith('env:')) return value;
  const resolved = env[value.slice(4)];
  return typeof resolved === 'string' ? resolved : '';
}
