// Who may do what on /admin/*. Three scopes, decided from the method and path alone, so the
// guard refuses before any handler runs and one table-driven test covers every route.
import { z } from 'zod';

export const adminScopeSchema = z.enum(['read-only', 'operator', 'owner']);
export type AdminScope = z.infer<typeof adminScopeSchema>;

/** The admin identity behind a request: a named key from D1, or the bootstrap ADMIN_KEY. */
export interface AdminIdentity {
  id: string;
  name: string;
  scope: AdminScope;
}

/** The ADMIN_KEY binding: an implicit owner, so a fresh deployment can create named keys. */
export const BOOTSTRAP_IDENTITY: AdminIdentity = { id: 'bootstrap', name: 'bootstrap', scope: 'owner' };

/**
 * Paths only an owner may change: admin-key management and credential rotation. Reading is
 * a GET, which every scope may do (admin-key listings carry no secret).
 */
const OWNER_ONLY = [/^\/admin\/admin-keys(\/|$)/, /^\/admin\/credentials(\/|$)/, /^\/admin\/channels\/rotate-credentials\/?$/];

export function isReadMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

export function scopeAllows(scope: AdminScope, method: string, path: string): boolean {
  if (isReadMethod(method.toUpperCase())) return true;
  if (scope === 'read-only') return false;
  if (scope === 'owner') return true;
  return !OWNER_ONLY.some((pattern) => pattern.test(path));
}
