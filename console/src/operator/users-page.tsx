// Users: create, edit (group, monthly budget), disable / re-enable, top up credit, and invite
// (a one-time link the user sets their password with).
import { useMemo, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Badge } from '@/components/ui/badge';
import { api } from '@/lib/api';
import { formatUsd } from '@/lib/format';
import { DataTable, type PlainColumn } from './data-table';
import { FormDialog, numberOrNull, ShownOnce, type FormDialogProps } from './form-dialog';
import { ErrorLine, PageHeading } from './page-parts';
import { messageOf, useApi } from './use-api';
import type { GroupView, InviteCreated, ListOf, UserView } from './types';

type Dialog = Omit<FormDialogProps, 'onClose'> | null;

export function UsersPage() {
  const users = useApi<ListOf<UserView>>('/api/admin/users');
  const groups = useApi<ListOf<GroupView>>('/api/admin/groups');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const groupIds = groups.data?.data.map((group) => group.id) ?? ['default'];
  const path = (id: string) => `/api/admin/users/${encodeURIComponent(id)}`;

  const act = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
      users.reload();
    } catch (reason) {
      setActionError(messageOf(reason));
    }
  };

  const columns = useMemo<Array<PlainColumn<UserView>>>(
    () => [
      { accessorKey: 'id', header: 'User' },
      { accessorKey: 'group', header: 'Group' },
      { id: 'balance', header: 'Balance', cell: ({ row }) => <span className="tabular-nums">{formatUsd(row.original.balance_usd)}</span> },
      { id: 'budget', header: 'Monthly budget', cell: ({ row }) => formatUsd(row.original.budget_monthly_usd) },
      { id: 'status', header: 'Status', cell: ({ row }) => <Badge variant={row.original.status === 'active' ? 'success' : 'secondary'}>{row.original.status}</Badge> },
      {
        id: 'actions',
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => {
          const user = row.original;
          return (
            <div className="flex flex-wrap gap-1">
              <Button size="sm" variant="ghost" aria-label={`Top up ${user.id}`} onClick={() => setDialog(topUpDialog(user))}>
                Top up
              </Button>
              <Button size="sm" variant="ghost" aria-label={`Edit ${user.id}`} onClick={() => setDialog(editDialog(user))}>
                Edit
              </Button>
              <Button size="sm" variant="ghost" aria-label={`Invite ${user.id}`} onClick={() => setDialog(inviteDialog(user))}>
                Invite
              </Button>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`${user.status === 'active' ? 'Disable' : 'Re-enable'} ${user.id}`}
                onClick={() => act(() => (user.status === 'active' ? api.delete(path(user.id)) : api.patch(path(user.id), { status: 'active' })))}
              >
                {user.status === 'active' ? 'Disable' : 'Re-enable'}
              </Button>
            </div>
          );
        },
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [groupIds.join(',')],
  );

  const topUpDialog = (user: UserView): Dialog => ({
    title: `Top up ${user.id}`,
    description: `Balance now ${formatUsd(user.balance_usd)}. A negative amount corrects.`,
    fields: [
      { name: 'amount', label: 'Amount (USD)', type: 'number', required: true },
      { name: 'note', label: 'Note', defaultValue: 'top-up' },
    ],
    submitLabel: 'Add credit',
    onSubmit: async (values) => {
      await api.post(`${path(user.id)}/credits`, { amount_usd: Number(values.amount), note: values.note ?? '' });
      users.reload();
    },
  });
  const editDialog = (user: UserView): Dialog => ({
    title: `Edit ${user.id}`,
    fields: [
      { name: 'group', label: 'Group', options: groupIds, defaultValue: user.group },
      { name: 'budget', label: 'Monthly budget (USD, empty for none)', type: 'number', defaultValue: user.budget_monthly_usd === null ? '' : String(user.budget_monthly_usd) },
    ],
    submitLabel: 'Save',
    onSubmit: async (values) => {
      await api.patch(path(user.id), { group: values.group, budget_monthly_usd: numberOrNull(values.budget) });
      users.reload();
    },
  });
  const inviteDialog = (user: UserView): Dialog => ({
    title: `Invite ${user.id}`,
    description: 'A link, valid for 7 days, with which the user sets a password and signs in.',
    fields: [],
    submitLabel: 'Create invite link',
    onSubmit: async () => {
      const invite = await api.post<InviteCreated>('/api/ops/invites', { user_id: user.id });
      return <ShownOnce label="Invite link" value={invite.url} testId="invite-url" />;
    },
  });
  const createDialog: Dialog = {
    title: 'Create a user',
    fields: [
      { name: 'id', label: 'Id', required: true },
      { name: 'group', label: 'Group', options: groupIds, defaultValue: 'default' },
      { name: 'balance', label: 'Opening balance (USD)', type: 'number', defaultValue: '0' },
      { name: 'budget', label: 'Monthly budget (USD, empty for none)', type: 'number' },
    ],
    submitLabel: 'Create',
    onSubmit: async (values) => {
      await api.post('/api/admin/users', { id: values.id, group: values.group, balance_usd: Number(values.balance || 0), budget_monthly_usd: numberOrNull(values.budget) });
      users.reload();
    },
  };

  return (
    <div>
      <PageHeading title="Users" actions={<Button onClick={() => setDialog(createDialog)}>Create user</Button>} />
      <ErrorLine error={users.error ?? actionError} />
      <DataTable columns={columns} data={users.data?.data ?? []} rowId={(user) => user.id} label="Users" testId="users-table" />
      {dialog ? <FormDialog {...dialog} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
