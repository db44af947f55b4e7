// Create a key with a name, an optional monthly budget and rate limit. The answer carries the
// secret this once: it is shown with a copy button and forgotten when the dialog closes.
import { useState, type FormEvent } from 'react';
import { Check, Copy } from 'lucide-react';
import type { UserKeyCreateBody, UserKeyCreated } from '../../../analytics-node/console/api-types';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { api, ApiError } from '@/lib/api';

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: () => void;
}

export function CreateKeyDialog({ open, onOpenChange, onCreated }: Props) {
  const [created, setCreated] = useState<UserKeyCreated | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const close = (next: boolean) => {
    if (!next) {
      setCreated(null);
      setProblem(null);
    }
    onOpenChange(next);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body: UserKeyCreateBody = {
      name: String(form.get('name') ?? '').trim(),
      budget_monthly_usd: optionalNumber(form.get('budget_monthly_usd')),
      rpm: optionalNumber(form.get('rpm')),
    };
    setPending(true);
    setProblem(null);
    try {
      setCreated(await api.post<UserKeyCreated>('/api/me/keys', body));
      onCreated();
    } catch (caught) {
      setProblem(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{created ? 'Your new key' : 'Create an API key'}</DialogTitle>
          <DialogDescription>
            {created ? 'Copy it now: it is shown only this once and cannot be shown again.' : 'Leave the budget or the limit empty for none.'}
          </DialogDescription>
        </DialogHeader>
        {created ? <NewKey secret={created.key} /> : (
          <form id="create-key" className="flex flex-col gap-4" onSubmit={submit}>
            <div className="grid gap-2">
              <Label htmlFor="key-name">Name</Label>
              <Input id="key-name" name="name" required maxLength={100} placeholder="laptop, ci, …" />
            </div>
            <div className="grid grid-cols-2 gap-4">
              <div className="grid gap-2">
                <Label htmlFor="key-budget">Monthly budget (USD)</Label>
                <Input id="key-budget" name="budget_monthly_usd" type="number" min="0" step="0.01" inputMode="decimal" />
              </div>
              <div className="grid gap-2">
                <Label htmlFor="key-rpm">Requests per minute</Label>
                <Input id="key-rpm" name="rpm" type="number" min="1" step="1" inputMode="numeric" />
              </div>
            </div>
            {problem && (
              <Alert variant="destructive">
                <AlertTitle>The key was not created</AlertTitle>
                <AlertDescription>{problem}</AlertDescription>
              </Alert>
            )}
          </form>
        )}
        <DialogFooter>
          {created ? (
            <Button onClick={() => close(false)}>Done</Button>
          ) : (
            <Button type="submit" form="create-key" disabled={pending}>
              {pending ? 'Creating…' : 'Create key'}
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function NewKey({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };
  return (
    <div className="flex items-center gap-2">
      <Label htmlFor="new-key" className="sr-only">New key</Label>
      <Input id="new-key" readOnly value={secret} className="font-mono text-xs" data-testid="new-key-secret" onFocus={(event) => event.currentTarget.select()} />
      <Button variant="outline" size="icon" onClick={() => void copy()} aria-label={copied ? 'Copied' : 'Copy key'}>
        {copied ? <Check /> : <Copy />}
      </Button>
    </div>
  );
}

function optionalNumber(value: FormDataEntryValue | null): number | null {
  const text = String(value ?? '').trim();
  return text === '' ? null : Number(text);
}
