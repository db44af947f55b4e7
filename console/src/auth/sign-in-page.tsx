// Sign-in: an operator with an admin key, an end user with their id and the password they set
// from their invite. Errors are the server's words; a 429 says when to try again.
import { useState, type FormEvent } from 'react';
import { useAtom } from 'jotai';
import { Redirect, useLocation } from 'wouter';
import type { Session, SignInBody } from '../../../analytics-node/console/api-types';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { api, ApiError } from '@/lib/api';
import { homePathOf, sessionAtom } from '@/lib/session';
import { AuthLayout } from './auth-layout';

export function SignInPage() {
  const [session, setSession] = useAtom(sessionAtom);
  const [, navigate] = useLocation();
  const [kind, setKind] = useState<'user' | 'admin'>('user');
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState(false);

  if (session) return <Redirect to={homePathOf(session.identity)} replace />;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body: SignInBody =
      kind === 'admin'
        ? { kind: 'admin', admin_key: String(form.get('admin_key') ?? '') }
        : { kind: 'user', user_id: String(form.get('user_id') ?? '').trim(), password: String(form.get('password') ?? '') };
    setPending(true);
    setError(null);
    try {
      const signedIn = await api.post<Session>('/api/session', body);
      setSession(signedIn);
      navigate(homePathOf(signedIn.identity), { replace: true });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'The console could not reach the server.', undefined, null));
    } finally {
      setPending(false);
    }
  };

  return (
    <AuthLayout>
      <Card>
        <CardHeader>
          <CardTitle>
            <h1>Sign in to Switchboard</h1>
          </CardTitle>
          <CardDescription>Your account with your password, or the operator console with an admin key.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          <Tabs value={kind} onValueChange={(value) => { setKind(value as 'user' | 'admin'); setError(null); }}>
            <TabsList className="w-full">
              <TabsTrigger value="user">Account</TabsTrigger>
              <TabsTrigger value="admin">Operator</TabsTrigger>
            </TabsList>
            <TabsContent value="user">
              <form className="flex flex-col gap-4 pt-2" onSubmit={submit} aria-label="Sign in to your account">
                <div className="grid gap-2">
                  <Label htmlFor="user_id">User id</Label>
                  <Input id="user_id" name="user_id" autoComplete="username" required autoFocus />
                </div>
                <div className="grid gap-2">
                  <Label htmlFor="password">Password</Label>
                  <Input id="password" name="password" type="password" autoComplete="current-password" required />
                </div>
                <Button type="submit" disabled={pending}>{pending ? 'Signing in…' : 'Sign in'}</Button>
              </form>
            </TabsContent>
            <TabsContent value="admin">
              <form className="flex flex-col gap-4 pt-2" onSubmit={submit} aria-label="Sign in as an operator">
                <div className="grid gap-2">
                  <Label htmlFor="admin_key">Admin key</Label>
                  <Input id="admin_key" name="admin_key" type="password" autoComplete="off" required />
                </div>
                <Button type="submit" disabled={pending}>{pending ? 'Signing in…' : 'Sign in'}</Button>
              </form>
            </TabsContent>
          </Tabs>
          {error && <SignInError error={error} />}
        </CardContent>
      </Card>
    </AuthLayout>
  );
}

function SignInError({ error }: { error: ApiError }) {
  const limited = error.status === 429;
  return (
    <Alert variant="destructive" data-testid="sign-in-error">
      <AlertTitle>{limited ? 'Too many attempts' : 'Sign-in refused'}</AlertTitle>
      <AlertDescription>
        <p>{error.message}</p>
        {limited && error.retryAfterS !== null && <p>Try again in {formatWait(error.retryAfterS)}.</p>}
      </AlertDescription>
    </Alert>
  );
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
