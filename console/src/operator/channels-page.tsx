// Channels: health and routing numbers from the analytics node (GET /api/ops/channels) next
// to the configuration from the worker's admin API (GET /api/admin/channels), with add, edit,
// disable, re-enable and "Test now".
import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { Button } from '@/components/ui/button';
import { api } from '@/lib/api';
import { formatMs } from '@/lib/format';
import { ChannelForm } from './channel-form';
import { ComponentBars, ErrorClassesCell, ShareCell, StatusCell } from './channel-cells';
import { ChannelTestButton } from './channel-test-button';
import { DataTable, type PlainColumn } from './data-table';
import { ErrorLine, PageHeading } from './page-parts';
import { messageOf, useApi } from './use-api';
import type { ChannelRow, ChannelsReport, ChannelView, ListOf, ModelView } from './types';

interface ChannelLine {
  id: string;
  view: ChannelView | null;
  health: ChannelRow | null;
}

export function ChannelsPage() {
  const report = useApi<ChannelsReport>('/api/ops/channels', { window: 300 });
  const views = useApi<ListOf<ChannelView>>('/api/admin/channels');
  const catalog = useApi<ListOf<ModelView>>('/api/admin/models');
  const [editing, setEditing] = useState<ChannelView | null>(null);
  const [adding, setAdding] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const reload = () => {
    report.reload();
    views.reload();
  };

  const lines = useMemo<ChannelLine[]>(() => {
    const byId = new Map<string, ChannelLine>();
    for (const view of views.data?.data ?? []) byId.set(view.id, { id: view.id, view, health: null });
    for (const health of report.data?.channels ?? []) {
      const line = byId.get(health.channel_id) ?? { id: health.channel_id, view: null, health: null };
      byId.set(health.channel_id, { ...line, health });
    }
    return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }, [report.data, views.data]);

  const setEnabled = async (id: string, enabled: boolean) => {
    setActionError(null);
    try {
      if (enabled) await api.patch(`/api/admin/channels/${encodeURIComponent(id)}`, { enabled: true });
      else await api.delete(`/api/admin/channels/${encodeURIComponent(id)}`);
      reload();
    } catch (reason) {
      setActionError(messageOf(reason));
    }
  };

  const columns = useMemo<Array<PlainColumn<ChannelLine>>>(
    () => [
      {
        id: 'channel',
        header: 'Channel',
        cell: ({ row }) => (
          <div>
            <Link href={`/channels/${encodeURIComponent(row.original.id)}`} className="font-medium hover:underline">
              {row.original.id}
            </Link>
            <div className="text-muted-foreground text-xs">{row.original.view?.type}</div>
          </div>
        ),
      },
      {
        id: 'status',
        header: 'Status',
        cell: ({ row }) => <StatusCell status={row.original.health?.status ?? 'idle'} reason={row.original.health?.reason ?? 'no statistics yet'} enabled={row.original.view?.enabled ?? true} />,
      },
      { id: 'score', header: 'Score components', cell: ({ row }) => <ComponentBars components={row.original.health?.components} /> },
      { id: 'share', header: 'Traffic share', cell: ({ row }) => <ShareCell now={row.original.health?.traffic_share ?? 0} hourAgo={row.original.health?.traffic_share_hour_ago ?? 0} /> },
      {
        id: 'ttft',
        header: 'TTFT p50 / p95 / p99',
        cell: ({ row }) => {
          const health = row.original.health;
          return <span className="tabular-nums">{health ? `${formatMs(health.ttft_p50_ms)} / ${formatMs(health.ttft_p95_ms)} / ${formatMs(health.ttft_p99_ms)}` : '—'}</span>;
        },
      },
      { id: 'tps', header: 'Tokens/s', cell: ({ row }) => <span className="tabular-nums">{row.original.health?.tokens_per_s?.toFixed(0) ?? '—'}</span> },
      { id: 'errors', header: 'Errors', cell: ({ row }) => <ErrorClassesCell classes={row.original.health?.error_classes ?? {}} /> },
      {
        id: 'actions',
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row }) => {
          const view = row.original.view;
          if (!view) return null;
          return (
            <div className="flex flex-wrap items-center gap-1">
              <Button size="sm" variant="ghost" onClick={() => setEditing(view)} aria-label={`Edit ${view.id}`}>
                Edit
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setEnabled(view.id, !view.enabled)} aria-label={`${view.enabled ? 'Disable' : 'Re-enable'} ${view.id}`}>
                {view.enabled ? 'Disable' : 'Re-enable'}
              </Button>
              <ChannelTestButton channelId={view.id} />
            </div>
          );
        },
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const catalogIds = catalog.data?.data.map((model) => model.id) ?? [];

  return (
    <div>
      <PageHeading title="Channels" description="Health over the last 5 minutes; share against the same window an hour ago." actions={<Button onClick={() => setAdding(true)}>Add channel</Button>} />
      <ErrorLine error={report.error ?? views.error ?? actionError} />
      <DataTable columns={columns} data={lines} rowId={(line) => line.id} label="Channels" testId="channels-table" />
      {adding ? <ChannelForm open onOpenChange={setAdding} catalog={catalogIds} onSaved={reload} /> : null}
      {editing ? <ChannelForm open onOpenChange={(open) => !open && setEditing(null)} channel={editing} catalog={catalogIds} onSaved={reload} /> : null}
    </div>
  );
}
