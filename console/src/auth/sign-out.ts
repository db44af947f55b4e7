import { navigate } from 'wouter/use-browser-location';
import { api } from '@/lib/api';
import { sessionAtom } from '@/lib/session';
import { store } from '@/lib/store';

/** Revoke the session on the server (not just forget the cookie), then go to sign-in. */
export async function signOut(): Promise<void> {
  try {
    await api.delete('/api/session');
  } finally {
    store.set(sessionAtom, null);
    navigate('/sign-in', { replace: true });
  }
}
