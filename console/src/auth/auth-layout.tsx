import type { ReactNode } from 'react';
import { Waypoints } from 'lucide-react';

/** The centred column of the pages seen before signing in. */
export function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="bg-muted/40 flex min-h-screen flex-col items-center justify-center gap-6 p-6">
      <div className="flex items-center gap-2 text-lg font-semibold">
        <Waypoints className="size-6" aria-hidden="true" />
        Switchboard
      </div>
      <div className="w-full max-w-sm">{children}</div>
    </main>
  );
}
