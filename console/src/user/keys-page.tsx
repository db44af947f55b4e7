// The user's API keys: spend and last use per key, create (the secret is shown once), revoke.
import { useMemo, useState } from 'react';
import { createColumnHelper } from '@tanstack/react-table';
import type { UserKey, UserKeyList } from '../../../analytics-node/console/api-types';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { DataTable, type BasicFeatures } from '@/components/ui/data-table';
import { Skeleton } from '@/components/ui/skeleton';
import { formatInteger, formatUsd } from '@/lib/format';
import { formatAgo } from '@/lib/time';
import { useApi } from '@/lib/use-api';
import { CreateKeyDialog } from './create-key-dialog';
import { LoadError } from './load-error';
import { PageHeader } from './page-header';
import { RevokeKeyButton } from './revoke-key-button';

const STATUS_VARIANT = { active: 'success', disabled: 'warning', revoked: 'outline' } as const;

const helper = createColumnHelper<BasicFeatures, UserKey>();
function keyColumns(onChanged: () => void) {
  return helper.columns([
    helper.accessor('name', { header: 'Name' }),
    helper.accessor('prefix', { header: 'Key', cell: (cell) => <code className="text-xs">{cell.getValue()}…</code> }),
    helper.accessor('status', { header: 'Status', cell: (cell) => <Badge variant={STATUS_VARIANT[cell.getValue()]}>{cell.getValue()}</Badge> }),
    helper.accessor('rpm', { header: 'Requests / min', cell: (cell) => (cell.getValue() === null ? 'no limit' : formatInteger(cell.getValue())) }),
    helper.accessor('budget_monthly_usd', { header: 'Monthly budget', cell: (cell) => (cell.getValue() === null ? 'none' : formatUsd(cell.getValue())) }),
    helper.accessor('last_used_at', { header: 'Last used', cell: (cell) => { const value = cell.getValue(); return value === null ? 'never' : formatAgo(value); } }),
    helper.accessor('spend_30d_usd', { header: 'Spend, 30 days', cell: (cell) => formatUsd(cell.getValue()) }),
    helper.display({
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      cell: (cell) => (cell.row.original.status === 'revoked' ? null : <RevokeKeyButton apiKey={cell.row.original} onRevoked={onChanged} />),
    }),
  ]);
}

export function KeysPage() {
  const keys = useApi<UserKeyList>('/api/me/keys');
  const [open, setOpen] = useState(false);
  const columns = useMemo(() => keyColumns(keys.reload), [keys.reload]);
  return (
    <section>
      <PageHeader
        title="API keys"
        description="Keys call the gateway's API as you. A key's secret is shown once, when it is created."
        actions={<Button onClick={() => setOpen(true)}>Create key</Button>}
      />
      <CreateKeyDialog open={open} onOpenChange={setOpen} onCreated={keys.reload} />
      <Card>
        <CardContent>
          {keys.error && <LoadError error={keys.error} what="your keys" />}
          {!keys.data && !keys.error && <Skeleton className="h-24 w-full" />}
          {keys.data && (
            <DataTable
              label="Your API keys"
              testId="keys-table"
              columns={columns}
              data={keys.data.data}
              numericColumns={['rpm', 'budget_monthly_usd', 'spend_30d_usd']}
              getRowId={(row) => row.id}
              empty="No keys yet: create one to call the API."
            />
          )}
        </CardContent>
      </Card>
    </section>
  );
}
