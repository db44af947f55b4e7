// Asks the node once who is signed in (the cookie is HttpOnly, so only the server knows) and
// renders the app after it has answered.
import { useEffect, type ReactNode } from 'react';
import { useAtom } from 'jotai';
import type { Session } from '../../../analytics-node/console/api-types';
import { api } from '@/lib/api';
import { sessionAtom } from '@/lib/session';
import { Skeleton } from '@/components/ui/skeleton';

export function SessionGate({ children }: { children: ReactNode }) {
  const [session, setSession] = useAtom(sessionAtom);
  useEffect(() => {
    if (session !== undefined) return;
    api
      .get<Session>('/api/session')
      .then(setSession)
      .catch(() => setSession(null));
  }, [session, setSession]);
  if (session === undefined) {
    return (
      <div className="flex min-h-screen items-center justify-center" aria-busy="true" aria-label="Loading">
        <Skeleton className="h-8 w-48" />
      </div>
    );
  }
  return <>{children}</>;
}
