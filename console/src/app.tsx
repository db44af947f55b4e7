// Routes: `/` goes to the identity's home; operators live under /ops, end users under /me;
// /sign-in and /invite/:token are open. The session is loaded once before anything renders.
import { Provider, useAtomValue } from 'jotai';
import { Redirect, Route, Switch } from 'wouter';
import { TooltipProvider } from '@/components/ui/tooltip';
import { homePathOf, identityAtom } from '@/lib/session';
import { store } from '@/lib/store';
import { SessionGate } from '@/auth/session-gate';
import { SignInPage } from '@/auth/sign-in-page';
import { InvitePage } from '@/auth/invite-page';
import { AppShell } from '@/shell/app-shell';
import { OperatorRoutes } from '@/shell/operator-routes';
import { UserRoutes } from '@/user/user-routes';
import { NotFound } from '@/shell/not-found';

export function App() {
  return (
    <Provider store={store}>
      <TooltipProvider delayDuration={300}>
        <SessionGate>
          <Switch>
            <Route path="/sign-in" component={SignInPage} />
            <Route path="/invite/:token" component={InvitePage} />
            <Route path="/" component={HomeRedirect} />
            <Route path="/ops" nest>
              <AppShell kind="admin">
                <OperatorRoutes />
              </AppShell>
            </Route>
            <Route path="/me" nest>
              <AppShell kind="user">
                <UserRoutes />
              </AppShell>
            </Route>
            <Route component={NotFound} />
          </Switch>
        </SessionGate>
      </TooltipProvider>
    </Provider>
  );
}

function HomeRedirect() {
  return <Redirect to={homePathOf(useAtomValue(identityAtom))} replace />;
}
