// The signed-in layout: a sidebar of the identity's screens, and a header with the time-zone
// select, who is signed in, and sign-out. Only the matching identity gets in; anyone else is
// sent to sign-in or to their own home.
import type { ReactNode } from 'react';
import { useAtomValue } from 'jotai';
import { Link, Redirect, useLocation } from 'wouter';
import { LogOut, Waypoints } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Separator } from '@/components/ui/separator';
import { homePathOf, identityAtom } from '@/lib/session';
import { cn } from '@/lib/utils';
import { signOut } from '@/auth/sign-out';
import { OPERATOR_NAV, USER_NAV, type NavItem } from './nav-items';
import { TimeZoneSelect } from './time-zone-select';

export function AppShell({ kind, children }: { kind: 'admin' | 'user'; children: ReactNode }) {
  const identity = useAtomValue(identityAtom);
  if (!identity) return <Redirect to="~/sign-in" replace />;
  if (identity.kind !== kind) return <Redirect to={`~${homePathOf(identity)}`} replace />;
  const items = kind === 'admin' ? OPERATOR_NAV : USER_NAV;
  const who = identity.kind === 'admin' ? `${identity.name} (${identity.scope})` : identity.user_id;
  return (
    <div className="flex min-h-screen">
      <aside className="bg-sidebar text-sidebar-foreground border-sidebar-border sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r">
        <div className="flex h-14 items-center gap-2 px-4 font-semibold">
          <Waypoints className="size-5" aria-hidden="true" />
          Switchboard
        </div>
        <Separator />
        <nav aria-label={kind === 'admin' ? 'Operator' : 'Account'} className="flex flex-col gap-1 p-2">
          {items.map((item) => (
            <NavLink key={item.href} item={item} />
          ))}
        </nav>
        <div className="text-muted-foreground mt-auto p-4 text-xs">{kind === 'admin' ? 'Operator console' : 'Your account'}</div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="bg-background/95 sticky top-0 z-10 flex h-14 items-center justify-end gap-3 border-b px-6 backdrop-blur">
          <TimeZoneSelect />
          <Separator orientation="vertical" className="h-6!" />
          <span className="text-sm" data-testid="identity">
            Signed in as <strong>{who}</strong>
          </span>
          <Button variant="outline" size="sm" onClick={() => void signOut()}>
            <LogOut aria-hidden="true" />
            Sign out
          </Button>
        </header>
        <main className="flex-1 p-6">{children}</main>
      </div>
    </div>
  );
}

function NavLink({ item }: { item: NavItem }) {
  const [location] = useLocation();
  const active = item.href === '/' ? location === '/' || location === '' : location.startsWith(item.href);
  const Icon = item.icon;
  return (
    <Link
      href={item.href}
      aria-current={active ? 'page' : undefined}
      className={cn(
        'flex items-center gap-2 rounded-md px-3 py-2 text-sm outline-none',
        'hover:bg-sidebar-accent hover:text-sidebar-accent-foreground focus-visible:ring-ring/50 focus-visible:ring-[3px]',
        active && 'bg-sidebar-accent text-sidebar-accent-foreground font-medium',
      )}
    >
      <Icon className="size-4" aria-hidden="true" />
      {item.label}
    </Link>
  );
}
