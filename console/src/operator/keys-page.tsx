// Client keys: issue (the key is shown once), change limits and budgets, disable / re-enable,
// revoke (final). Filter by user with ?user= in the URL.
import { useMemo, useState } from 'react';
import { useAtomValue } from 'jotai';
import { useSearchParams } from 'wouter';
import { Button } from '@/components/ui/button';
import { Badge } from '@/components/ui/badge';
import { api } from '@/lib/api';
import { formatUsd } from '@/lib/format';
import { formatAgo, formatDateTime, timeZoneAtom } from '@/lib/time';
import { DataTable, type PlainColumn } from './data-table';
import { FormDialog, numberOrNull, ShownOnce, type FormDialogProps, type FormValues } from './form-dialog';
import { ErrorLine, NativeSelect, PageHeading } from './page-parts';
import { messageOf, useApi } from './use-api';
import type { KeyCreated, KeyView, ListOf, UserView } from './types';

const LIMIT_FIELDS = (key?: KeyView) => [
  { name: 'rpm', label: 'Requests per minute (empty for none)', type: 'number' as const, defaultValue: key?.rpm?.toString() ?? '' },
  { name: 'tpm', label: 'Tokens per minute (empty for none)', type: 'number' as const, defaultValue: key?.tpm?.toString() ?? '' },
  { name: 'daily', label: 'Daily budget USD (empty for none)', type: 'number' as const, defaultValue: key?.budget_daily_usd?.toString() ?? '' },
  { name: 'monthly', label: 'Monthly budget USD (empty for none)', type: 'number' as const, defaultValue: key?.budget_monthly_usd?.toString() ?? '' },
  { name: 'models', label: 'Models (comma-separated patterns)', defaultValue: key?.models.join(', ') ?? '*' },
];

function limitsOf(values: FormValues) {
  return {
    rpm: numberOrNull(values.rpm),
    tpm: numberOrNull(values.tpm),
    budget_daily_usd: numberOrNull(values.daily),
    budget_monthly_usd: numberOrNull(values.monthly),
    models: (values.models ?? '*').split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''),
  };
}

export function KeysPage() {
  const zone = useAtomValue(timeZoneAtom);
  const [search, setSearch] = useSearchParams();
  const user = search.get('user') ?? '';
  const keys = useApi<ListOf<KeyView>>('/api/admin/keys', { user });
  const users = useApi<ListOf<UserView>>('/api/admin/users');
  const [dialog, setDialog] = useState<Omit<FormDialogProps, 'onClose'> | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const userIds = users.data?.data.map((entry) => entry.id) ?? [];
  const path = (id: string) => `/api/admin/keys/${encodeURIComponent(id)}`;

  const act = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
      keys.reload();
    } catch (reason) {
      setActionError(messageOf(reason));
    }
  };

  const issueDialog = (): Omit<FormDialogProps, 'onClose'> => ({
    title: 'Issue a key',
    fields: [{ name: 'user', label: 'User', options: userIds, defaultValue: user || userIds[0] || '' }, { name: 'name', label: 'Name', required: true }, ...LIMIT_FIELDS()],
    submitLabel: 'Issue key',
    onSubmit: async (values) => {
      const created = await api.post<KeyCreated>('/api/admin/keys', { user: values.user, name: values.name, ...limitsOf(values) });
      keys.reload();
      return <ShownOnce label={`Key ${created.name} for ${created.user}`} value={created.key} testId="new-key" />;
    },
  });
  const editDialog = (key: KeyView): Omit<FormDialogProps, 'onClose'> => ({
    title: `Edit key ${key.name}`,
    fields: [{ name: 'name', label: 'Name', defaultValue: key.name, required: true }, ...LIMIT_FIELDS(key)],
    submitLabel: 'Save',
    onSubmit: async (values) => {
      await api.patch(path(key.id), { name: values.name, ...limitsOf(values) });
      keys.reload();
    },
  });

  const columns = useMemo<Array<PlainColumn<KeyView>>>(
    () => [
      { accessorKey: 'name', header: 'Name' },
      { id: 'prefix', header: 'Prefix', cell: ({ row }) => <code className="text-xs">{row.original.prefix}…</code> },
      { accessorKey: 'user', header: 'User' },
      { id: 'status', header: 'Status', cell: ({ row }) => <Badge variant={row.original.status === 'active' ? 'success' : row.original.status === 'revoked' ? 'destructive' : 'secondary'}>{row.original.status}</Badge> },
      { id: 'limits', header: 'RPM / TPM', cell: ({ row }) => `${row.original.rpm ?? '∞'} / ${row.original.tpm ?? '∞'}` },
      { id: 'budgets', header: 'Budgets day / month', cell: ({ row }) => `${formatUsd(row.original.budget_daily_usd)} / ${formatUsd(row.original.budget_monthly_usd)}` },
      { id: 'used', header: 'Last used', cell: ({ row }) => (row.original.last_used_at ? <span title={formatDateTime(row.original.last_used_at, zone)}>{formatAgo(row.original.last_used_at)}</span> : 'never') },
      {
        id: 'actions',
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => {
          const key = row.original;
          if (key.status === 'revoked') return null;
          return (
            <div className="flex gap-1">
              <Button size="sm" variant="ghost" aria-label={`Edit key ${key.name}`} onClick={() => setDialog(editDialog(key))}>
                Edit
              </Button>
              <Button size="sm" variant="ghost" aria-label={`${key.status === 'active' ? 'Disable' : 'Re-enable'} key ${key.name}`} onClick={() => act(() => api.patch(path(key.id), { status: key.status === 'active' ? 'disabled' : 'active' }))}>
                {key.status === 'active' ? 'Disable' : 'Re-enable'}
              </Button>
              <Button size="sm" variant="ghost" aria-label={`Revoke key ${key.name}`} onClick={() => window.confirm(`Revoke ${key.name}? This is final.`) && act(() => api.delete(path(key.id)))}>
                Revoke
              </Button>
            </div>
          );
        },
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [zone],
  );

  return (
    <div>
      <PageHeading
        title="Keys"
        actions={
          <>
            <NativeSelect id="keys-user" label="User" value={user} options={['', ...userIds]} onChange={(event) => setSearch(event.target.value ? { user: event.target.value } : {}, { replace: true })} />
            <Button onClick={() => setDialog(issueDialog())} disabled={!users.data}>
              Issue key
            </Button>
          </>
        }
      />
      <ErrorLine error={keys.error ?? actionError} />
      <DataTable columns={columns} data={keys.data?.data ?? []} rowId={(key) => key.id} label="Keys" testId="keys-table" />
      {dialog ? <FormDialog {...dialog} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
