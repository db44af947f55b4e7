// The routing explorer: recent decisions (filterable; filters in the URL) and, for the
// selected request (/ops/explorer/{request id}), why it went where it did.
import { useMemo } from 'react';
import { useAtomValue } from 'jotai';
import { Link, useParams } from 'wouter';
import { formatTime, timeZoneAtom } from '@/lib/time';
import { DataTable, type PlainColumn } from './data-table';
import { DecisionView } from './decision-view';
import { FilterBar } from './filter-bar';
import { filtersQuery, useUrlFilters } from './log-filters';
import { ErrorLine, PageHeading } from './page-parts';
import { useApi } from './use-api';
import type { ExplorerPage as ExplorerList, ExplorerRow, RequestDetail } from './types';

export function ExplorerPage() {
  const { requestId } = useParams<{ requestId?: string }>();
  const [filters, setFilters, search] = useUrlFilters();
  const zone = useAtomValue(timeZoneAtom);
  const list = useApi<ExplorerList>('/api/ops/explorer', { ...filtersQuery(filters), limit: 100 });
  const detail = useApi<RequestDetail>(requestId ? `/api/ops/requests/${encodeURIComponent(requestId)}` : null);
  const suffix = search.toString() === '' ? '' : `?${search.toString()}`;

  const columns = useMemo<Array<PlainColumn<ExplorerRow>>>(
    () => [
      { id: 'ts', header: 'Time', cell: ({ row }) => <span className="tabular-nums">{formatTime(row.original.ts, zone)}</span> },
      {
        id: 'request',
        header: 'Request',
        cell: ({ row }) => (
          <Link href={`/explorer/${encodeURIComponent(row.original.request_id)}${suffix}`} className="font-mono text-xs hover:underline">
            {row.original.request_id.slice(0, 18)}
          </Link>
        ),
      },
      { accessorKey: 'model', header: 'Model' },
      { id: 'winner', header: 'Winner', cell: ({ row }) => <span className="font-medium">{row.original.winner ?? '—'}</span> },
      { id: 'mode', header: 'Mode', cell: ({ row }) => `${row.original.mode} · ${row.original.rule}` },
      { id: 'reason', header: 'Why', cell: ({ row }) => <span className="text-muted-foreground text-xs">{row.original.reason}</span> },
    ],
    [zone, suffix],
  );

  return (
    <div>
      <PageHeading title="Routing explorer" description="Recent routing decisions; pick one to see the candidates, the winner and the attempts." />
      <FilterBar filters={filters} onChange={setFilters} idPrefix="explorer" compact />
      <ErrorLine error={list.error ?? detail.error} />
      {/* The selected request first, full width (its candidate table is wide); the list below. */}
      <div className="grid gap-4">
        {requestId ? detail.data ? <DecisionView detail={detail.data} /> : <p className="text-muted-foreground text-sm">Loading…</p> : null}
        <div className="max-h-[60vh] overflow-auto rounded-md border">
          <DataTable columns={columns} data={list.data?.rows ?? []} rowId={(row) => row.request_id} label="Recent decisions" testId="explorer-list" empty="No decisions in this range." />
        </div>
      </div>
    </div>
  );
}
