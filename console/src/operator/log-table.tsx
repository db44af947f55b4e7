// The attempt log as a virtualised table: TanStack Table builds the rows and cells, TanStack
// Virtual renders only those in view (so millions of rows cost what a screenful costs), and
// reaching the end asks for the next keyset page.
import { useEffect, useMemo, useRef } from 'react';
import { useAtomValue } from 'jotai';
import { useVirtualizer } from '@tanstack/react-virtual';
import { tableFeatures, useTable, type ColumnDef } from '@tanstack/react-table';
import { Badge } from '@/components/ui/badge';
import { formatInteger, formatMs, formatUsd } from '@/lib/format';
import { formatDateTime, timeZoneAtom } from '@/lib/time';
import { cn } from '@/lib/utils';
import { rowKey } from './use-log-rows';
import type { LogRow, LogTotals } from './types';

const features = tableFeatures({});
const ROW_HEIGHT = 36;
const GRID = 'grid grid-cols-[10.5rem_minmax(7rem,1.2fr)_minmax(6rem,1fr)_minmax(6rem,1fr)_minmax(6rem,1fr)_3.5rem_6rem_5rem_5rem_6rem_6rem] gap-2 px-2';

export interface LogTableProps {
  rows: LogRow[];
  totals: LogTotals | null;
  onEndReached: () => void;
  onSelect: (row: LogRow) => void;
  selected: string | null;
}

export function LogTable({ rows, totals, onEndReached, onSelect, selected }: LogTableProps) {
  const zone = useAtomValue(timeZoneAtom);
  const columns = useMemo<Array<ColumnDef<typeof features, LogRow, any>>>(
    () => [
      { id: 'time', header: 'Time', cell: ({ row }) => <span className="tabular-nums">{formatDateTime(row.original.ts_start, zone)}</span> },
      { id: 'request', header: 'Request', cell: ({ row }) => <span className="truncate font-mono text-xs">{row.original.request_id}#{row.original.attempt}</span> },
      { accessorKey: 'channel_id', header: 'Channel' },
      { accessorKey: 'model', header: 'Model' },
      { accessorKey: 'user_id', header: 'User' },
      { accessorKey: 'status', header: 'Status' },
      {
        id: 'error',
        header: 'Error',
        cell: ({ row }) => (row.original.error_class === 'none' ? <span className="text-muted-foreground">—</span> : <Badge variant="destructive">{row.original.error_class}</Badge>),
      },
      { id: 'ttft', header: 'TTFT', cell: ({ row }) => formatMs(row.original.ttft_ms) },
      { id: 'tokens', header: 'Tokens', cell: ({ row }) => formatInteger(row.original.input_tokens + row.original.output_tokens) },
      { id: 'cost', header: 'Cost', cell: ({ row }) => formatUsd(row.original.cost_usd) },
      { id: 'charge', header: 'Charge', cell: ({ row }) => formatUsd(row.original.price_usd) },
    ],
    [zone],
  );
  const table = useTable({ features, columns, data: rows, getRowId: rowKey });
  const tableRows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: tableRows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;

  useEffect(() => {
    // Load more when the last rendered row is within a screenful of the end.
    if (tableRows.length > 0 && lastIndex >= tableRows.length - 20) onEndReached();
  }, [lastIndex, tableRows.length, onEndReached]);

  return (
    // The columns need about 70rem: narrower screens scroll the whole table sideways, header and all.
    <div className="overflow-x-auto rounded-md border">
    <div role="table" aria-label="Attempt log" aria-rowcount={totals?.attempts ?? rows.length} className="min-w-[70rem] text-sm">
      <div role="rowgroup" className="bg-muted/50 border-b">
        {table.getHeaderGroups().map((group) => (
          <div role="row" key={group.id} className={cn(GRID, 'h-9 items-center font-medium')}>
            {group.headers.map((header) => (
              <div role="columnheader" key={header.id} className="truncate">
                <table.FlexRender header={header} />
              </div>
            ))}
          </div>
        ))}
      </div>
      <div ref={scrollRef} className="h-[55vh] overflow-auto" data-testid="log-scroll">
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }} data-testid="log-rows">
          {items.map((item) => {
            const row = tableRows[item.index];
            if (!row) return null;
            return (
              <div
                role="row"
                key={row.id}
                data-row-id={row.id}
                data-channel={row.original.channel_id}
                data-model={row.original.model}
                data-status={row.original.status}
                tabIndex={0}
                aria-selected={selected === row.original.request_id}
                onClick={() => onSelect(row.original)}
                onKeyDown={(event) => (event.key === 'Enter' || event.key === ' ') && onSelect(row.original)}
                className={cn(GRID, 'hover:bg-muted/50 focus-visible:ring-ring/50 absolute inset-x-0 cursor-pointer items-center border-b outline-none focus-visible:ring-[3px]', selected === row.original.request_id && 'bg-muted')}
                style={{ height: item.size, transform: `translateY(${item.start}px)` }}
              >
                {row.getAllCells().map((cell) => (
                  <div role="cell" key={cell.id} className="truncate">
                    <table.FlexRender cell={cell} />
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
      {totals ? <TotalsRow totals={totals} /> : null}
    </div>
    </div>
  );
}

function TotalsRow({ totals }: { totals: LogTotals }) {
  return (
    <div role="row" className="bg-muted/50 flex flex-wrap gap-x-6 gap-y-1 border-t px-2 py-2 font-medium tabular-nums" data-testid="log-totals">
      <span>
        Total: <span data-testid="total-attempts">{formatInteger(totals.attempts)}</span> attempts
      </span>
      <span>{formatInteger(totals.requests)} requests</span>
      <span>{formatInteger(totals.errors)} errors</span>
      <span>
        {formatInteger(totals.input_tokens)} in ({formatInteger(totals.cached_input_tokens)} cached) / {formatInteger(totals.output_tokens)} out
      </span>
      <span>cost {formatUsd(totals.cost_usd)}</span>
      <span>
        charged <span data-testid="total-charge" data-value={totals.revenue_usd}>{formatUsd(totals.revenue_usd)}</span>
      </span>
    </div>
  );
}
