// Groups: the price multiplier and the routing mode their users get; create, edit, delete an
// empty one.
import { useMemo, useState } from 'react';
import { Button } from '@/components/ui/button';
import { api } from '@/lib/api';
import { DataTable, type PlainColumn } from './data-table';
import { FormDialog, type FormDialogProps } from './form-dialog';
import { ErrorLine, PageHeading } from './page-parts';
import { messageOf, useApi } from './use-api';
import type { GroupView, ListOf } from './types';

const MODES = ['', 'economy', 'balanced', 'performance', 'stability'];

export function GroupsPage() {
  const groups = useApi<ListOf<GroupView>>('/api/admin/groups');
  const [dialog, setDialog] = useState<Omit<FormDialogProps, 'onClose'> | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  const groupDialog = (group?: GroupView): Omit<FormDialogProps, 'onClose'> => ({
    title: group ? `Edit group ${group.id}` : 'Create a group',
    fields: [
      ...(group ? [] : [{ name: 'id', label: 'Id', required: true }]),
      { name: 'multiplier', label: 'Price multiplier', type: 'number', defaultValue: String(group?.price_multiplier ?? 1) },
      { name: 'mode', label: 'Routing mode', options: MODES, defaultValue: group?.routing.mode ?? '' },
    ],
    submitLabel: group ? 'Save' : 'Create',
    onSubmit: async (values) => {
      const routing = { ...(group?.routing ?? {}), ...(values.mode ? { mode: values.mode } : {}) };
      if (!values.mode) delete (routing as { mode?: string }).mode;
      const body = { price_multiplier: Number(values.multiplier), routing };
      if (group) await api.patch(`/api/admin/groups/${encodeURIComponent(group.id)}`, body);
      else await api.post('/api/admin/groups', { id: values.id, ...body });
      groups.reload();
    },
  });

  const remove = async (id: string) => {
    setActionError(null);
    try {
      await api.delete(`/api/admin/groups/${encodeURIComponent(id)}`);
      groups.reload();
    } catch (reason) {
      setActionError(messageOf(reason));
    }
  };

  const columns = useMemo<Array<PlainColumn<GroupView>>>(
    () => [
      { accessorKey: 'id', header: 'Group' },
      { accessorKey: 'price_multiplier', header: 'Price multiplier' },
      { id: 'mode', header: 'Routing', cell: ({ row }) => row.original.routing.mode ?? 'inherited' },
      {
        id: 'actions',
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => (
          <div className="flex gap-1">
            <Button size="sm" variant="ghost" aria-label={`Edit ${row.original.id}`} onClick={() => setDialog(groupDialog(row.original))}>
              Edit
            </Button>
            {row.original.id === 'default' ? null : (
              <Button size="sm" variant="ghost" aria-label={`Delete ${row.original.id}`} onClick={() => remove(row.original.id)}>
                Delete
              </Button>
            )}
          </div>
        ),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  return (
    <div>
      <PageHeading title="Groups" description="A group's multiplier applies to every catalog price its users pay." actions={<Button onClick={() => setDialog(groupDialog())}>Create group</Button>} />
      <ErrorLine error={groups.error ?? actionError} />
      <DataTable columns={columns} data={groups.data?.data ?? []} rowId={(group) => group.id} label="Groups" testId="groups-table" />
      {dialog ? <FormDialog {...dialog} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
