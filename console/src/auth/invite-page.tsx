// Accepting an invite: the operator sent a one-time link; the user sets a password (twice, at
// least 12 characters, as the node requires) and is signed in.
import { useState, type FormEvent } from 'react';
import { useSetAtom } from 'jotai';
import { useLocation, useParams } from 'wouter';
import type { InvitePreview, Session } from '../../../analytics-node/console/api-types';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Skeleton } from '@/components/ui/skeleton';
import { api, ApiError } from '@/lib/api';
import { useApi } from '@/lib/use-api';
import { homePathOf, sessionAtom } from '@/lib/session';
import { formatDateTime, timeZoneAtom } from '@/lib/time';
import { useAtomValue } from 'jotai';
import { AuthLayout } from './auth-layout';

export const MIN_PASSWORD_LENGTH = 12;

export function InvitePage() {
  const { token = '' } = useParams<{ token: string }>();
  const path = `/api/invites/${encodeURIComponent(token)}`;
  const invite = useApi<InvitePreview>(path);
  const zone = useAtomValue(timeZoneAtom);
  const setSession = useSetAtom(sessionAtom);
  const [, navigate] = useLocation();
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    const repeated = String(form.get('password_repeat') ?? '');
    if (password.length < MIN_PASSWORD_LENGTH) return setProblem(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
    if (password !== repeated) return setProblem('The two passwords are not the same.');
    setPending(true);
    setProblem(null);
    try {
      const session = await api.post<Session>(`${path}/accept`, { password });
      setSession(session);
      navigate(`~${homePathOf(session.identity)}`, { replace: true });
    } catch (caught) {
      setProblem(caught instanceof ApiError ? caught.message : 'The console could not reach the server.');
    } finally {
      setPending(false);
    }
  };

  return (
    <AuthLayout>
      <Card>
        <CardHeader>
          <CardTitle>
            <h1>Accept your invitation</h1>
          </CardTitle>
          <CardDescription>
            {invite.data
              ? `Set a password for the account ${invite.data.user_id}. This link works until ${formatDateTime(invite.data.expires_at, zone)}.`
              : 'Set the password you will sign in with.'}
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          {invite.loading && !invite.data && <Skeleton className="h-24 w-full" />}
          {invite.error && (
            <Alert variant="destructive">
              <AlertTitle>This invitation cannot be used</AlertTitle>
              <AlertDescription>It has expired, was already used, or the link is incomplete. Ask your operator for a new one.</AlertDescription>
            </Alert>
          )}
          {invite.data && (
            <form className="flex flex-col gap-4" onSubmit={submit} aria-label="Set your password">
              <input type="text" name="username" autoComplete="username" value={invite.data.user_id} readOnly hidden />
              <div className="grid gap-2">
                <Label htmlFor="password">New password</Label>
                <Input id="password" name="password" type="password" autoComplete="new-password" required aria-describedby="password-hint" />
                <p id="password-hint" className="text-muted-foreground text-xs">At least {MIN_PASSWORD_LENGTH} characters.</p>
              </div>
              <div className="grid gap-2">
                <Label htmlFor="password_repeat">Repeat the password</Label>
                <Input id="password_repeat" name="password_repeat" type="password" autoComplete="new-password" required />
              </div>
              {problem && (
                <Alert variant="destructive" data-testid="invite-error">
                  <AlertDescription>{problem}</AlertDescription>
                </Alert>
              )}
              <Button type="submit" disabled={pending}>{pending ? 'Saving…' : 'Set password and sign in'}</Button>
            </form>
          )}
        </CardContent>
      </Card>
    </AuthLayout>
  );
}
