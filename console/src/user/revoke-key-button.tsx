import { useState } from 'react';
import type { UserKey } from '../../../analytics-node/console/api-types';
import { Button } from '@/components/ui/button';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { api, ApiError } from '@/lib/api';

/** Revoking cannot be undone, so it asks first. */
export function RevokeKeyButton({ apiKey, onRevoked }: { apiKey: UserKey; onRevoked: () => void }) {
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const revoke = async () => {
    try {
      await api.delete(`/api/me/keys/${encodeURIComponent(apiKey.id)}`);
      setOpen(false);
      onRevoked();
    } catch (caught) {
      setProblem(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  return (
    <>
      <Button variant="outline" size="sm" onClick={() => setOpen(true)} aria-label={`Revoke key ${apiKey.name}`}>
        Revoke
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Revoke “{apiKey.name}”?</DialogTitle>
            <DialogDescription>Requests with this key are refused from now on. This cannot be undone.</DialogDescription>
          </DialogHeader>
          {problem && <p className="text-destructive text-sm">{problem}</p>}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Keep it</Button>
            </DialogClose>
            <Button variant="destructive" onClick={() => void revoke()}>
              Revoke key
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}
