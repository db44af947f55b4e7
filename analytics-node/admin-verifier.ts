// Who holds an admin credential, seen from the analytics node. The bootstrap ADMIN_KEY is
// compared here in constant time; named admin keys live in the worker's D1, which this node
// cannot read, so they are checked by asking the worker (`GET /admin/whoami` with the
// caller's bearer). Answers are cached by the key's SHA-256 (never the key): positive ones
// briefly, so a revocation reaches the node within seconds, negative ones too, so a stream of
// bad keys does not become a stream of worker calls. An unreachable worker caches nothing.
import { z } from 'zod';
import { digest, secretMatches } from './internal-auth';

export const adminIdentitySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(['read-only', 'operator', 'owner']),
});
export type AdminIdentity = z.infer<typeof adminIdentitySchema>;

export type AdminVerifier = (key: string) => Promise<AdminIdentity | null>;

export interface AdminVerifierOptions {
  /** The bootstrap ADMIN_KEY (an implicit owner); absent: only named keys. */
  adminKey?: string;
  /** Where named keys are checked; absent: only the bootstrap key. */
  workerUrl?: string;
  ttlMs?: number;
  negativeTtlMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

const BOOTSTRAP: AdminIdentity = { id: 'bootstrap', name: 'bootstrap', scope: 'owner' };
const MAX_ENTRIES = 10_000;

export function adminVerifier(options: AdminVerifierOptions): AdminVerifier {
  const bootstrap = options.adminKey ? digest(options.adminKey) : null;
  const ttlMs = options.ttlMs ?? 5_000;
  const negativeTtlMs = options.negativeTtlMs ?? 5_000;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const cache = new Map<string, { value: AdminIdentity | null; expires: number }>();

  async function askWorker(key: string): Promise<{ value: AdminIdentity | null; cacheable: boolean }> {
    if (!options.workerUrl) return { value: null, cacheable: true };
    try {
      const response = await doFetch(`${options.workerUrl.replace(/\/+$/, '')}/admin/whoami`, {
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status === 401 || response.status === 403) return { value: null, cacheable: true };
      if (!response.ok) return { value: null, cacheable: false };
      const parsed = adminIdentitySchema.safeParse(await response.json());
      return { value: parsed.success ? parsed.data : null, cacheable: parsed.success };
    } catch {
      return { value: null, cacheable: false };
    }
  }

  return async function verify(key) {
    if (key === '') return null;
    if (bootstrap !== null && secretMatches(key, bootstrap)) return BOOTSTRAP;
    const hash = digest(key).toString('hex');
    const cached = cache.get(hash);
    const at = now();
    if (cached && cached.expires > at) return cached.value;
    const answer = await askWorker(key);
    if (answer.cacheable) {
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(hash, { value: answer.value, expires: at + (answer.value ? ttlMs : negativeTtlMs) });
    }
    return answer.value;
  };
}
