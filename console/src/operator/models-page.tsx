// Models and prices: the catalog entries with what callers pay per million tokens (before
// the group multiplier); create, edit prices, disable / re-enable.
import { useMemo, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Badge } from '@/components/ui/badge';
import { api } from '@/lib/api';
import { DataTable, type PlainColumn } from './data-table';
import { FormDialog, numberOrNull, type FormDialogProps, type FormValues } from './form-dialog';
import { ErrorLine, PageHeading } from './page-parts';
import { messageOf, useApi } from './use-api';
import type { ListOf, ModelView } from './types';

function priceFields(model?: ModelView) {
  return [
    { name: 'input', label: 'Input $/Mtok', type: 'number' as const, required: true, defaultValue: model ? String(model.price.input_per_mtok) : '' },
    { name: 'output', label: 'Output $/Mtok', type: 'number' as const, required: true, defaultValue: model ? String(model.price.output_per_mtok) : '' },
    { name: 'cached', label: 'Cached input $/Mtok (empty: input rate)', type: 'number' as const, defaultValue: model?.price.cached_input_per_mtok?.toString() ?? '' },
  ];
}

function priceOf(values: FormValues) {
  const cached = numberOrNull(values.cached);
  return { input_per_mtok: Number(values.input), output_per_mtok: Number(values.output), ...(cached === null ? {} : { cached_input_per_mtok: cached }) };
}

export function ModelsPage() {
  const models = useApi<ListOf<ModelView>>('/api/admin/models');
  const [dialog, setDialog] = useState<Omit<FormDialogProps, 'onClose'> | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const path = (id: string) => `/api/admin/models/${encodeURIComponent(id)}`;

  const act = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
      models.reload();
    } catch (reason) {
      setActionError(messageOf(reason));
    }
  };

  const createDialog = (): Omit<FormDialogProps, 'onClose'> => ({
    title: 'Add a model',
    fields: [{ name: 'id', label: 'Id', required: true }, ...priceFields(), { name: 'context', label: 'Context length', type: 'number' }],
    submitLabel: 'Add model',
    onSubmit: async (values) => {
      const context = numberOrNull(values.context);
      await api.post('/api/admin/models', { id: values.id, price: priceOf(values), ...(context === null ? {} : { context_length: context }) });
      models.reload();
    },
  });
  const editDialog = (model: ModelView): Omit<FormDialogProps, 'onClose'> => ({
    title: `Prices of ${model.id}`,
    fields: priceFields(model),
    submitLabel: 'Save',
    onSubmit: async (values) => {
      await api.patch(path(model.id), { price: priceOf(values) });
      models.reload();
    },
  });

  const columns = useMemo<Array<PlainColumn<ModelView>>>(
    () => [
      { accessorKey: 'id', header: 'Model' },
      { id: 'input', header: 'Input $/Mtok', cell: ({ row }) => row.original.price.input_per_mtok },
      { id: 'output', header: 'Output $/Mtok', cell: ({ row }) => row.original.price.output_per_mtok },
      { id: 'cached', header: 'Cached $/Mtok', cell: ({ row }) => row.original.price.cached_input_per_mtok ?? '—' },
      { id: 'context', header: 'Context', cell: ({ row }) => row.original.context_length?.toLocaleString('en-US') ?? '—' },
      { id: 'capabilities', header: 'Capabilities', cell: ({ row }) => row.original.capabilities.join(', ') },
      { id: 'status', header: 'Status', cell: ({ row }) => <Badge variant={row.original.enabled ? 'success' : 'secondary'}>{row.original.enabled ? 'enabled' : 'disabled'}</Badge> },
      {
        id: 'actions',
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => (
          <div className="flex gap-1">
            <Button size="sm" variant="ghost" aria-label={`Edit prices of ${row.original.id}`} onClick={() => setDialog(editDialog(row.original))}>
              Prices
            </Button>
            <Button
              size="sm"
              variant="ghost"
              aria-label={`${row.original.enabled ? 'Disable' : 'Re-enable'} ${row.original.id}`}
              onClick={() => act(() => (row.original.enabled ? api.delete(path(row.original.id)) : api.patch(path(row.original.id), { enabled: true })))}
            >
              {row.original.enabled ? 'Disable' : 'Re-enable'}
            </Button>
          </div>
        ),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  return (
    <div>
      <PageHeading title="Models and prices" description="What callers pay per million tokens, before their group's multiplier." actions={<Button onClick={() => setDialog(createDialog())}>Add model</Button>} />
      <ErrorLine error={models.error ?? actionError} />
      <DataTable columns={columns} data={models.data?.data ?? []} rowId={(model) => model.id} label="Models" testId="models-table" />
      {dialog ? <FormDialog {...dialog} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
