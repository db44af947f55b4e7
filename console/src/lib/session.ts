import { atom } from 'jotai';
import type { Identity, Session } from '../../../analytics-node/console/api-types';

/**
 * The signed-in session as the node answered it (identity, CSRF token, expiry), or null.
 * `undefined` until GET /api/session has answered once, so the shell can wait instead of
 * flashing the sign-in page.
 */
export const sessionAtom = atom<Session | null | undefined>(undefined);

export const identityAtom = atom<Identity | null>((get) => get(sessionAtom)?.identity ?? null);

/** Where an identity lands after sign-in, and what `/` redirects to. */
export function homePathOf(identity: Identity | null): string {
  if (!identity) return '/sign-in';
  return identity.kind === 'admin' ? '/ops' : '/me';
}
