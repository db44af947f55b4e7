// A plain (not virtualised) table over TanStack Table with shadcn's table markup: the list
// screens (channels, users, keys, economics…) hold tens to hundreds of rows.
import type { ReactNode } from 'react';
import { tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';
import { Table, TableBody, TableCell, TableFooter, TableHead, TableHeader, TableRow } from '@/components/ui/table';

export const plainFeatures = tableFeatures({});
export type PlainFeatures = typeof plainFeatures;
export type PlainColumn<T extends RowData> = ColumnDef<PlainFeatures, T, any>;

export interface DataTableProps<T extends RowData> {
  columns: Array<PlainColumn<T>>;
  data: T[];
  rowId: (row: T) => string;
  label: string;
  /** A totals row under the body. */
  footer?: ReactNode;
  empty?: string;
  onRowClick?: (row: T) => void;
  testId?: string;
}

export function DataTable<T extends RowData>({ columns, data, rowId, label, footer, empty, onRowClick, testId }: DataTableProps<T>) {
  const table = useTable({ features: plainFeatures, columns, data, getRowId: (row: T) => rowId(row) });
  const rows = table.getRowModel().rows;
  return (
    <Table aria-label={label} data-testid={testId}>
      <TableHeader>
        {table.getHeaderGroups().map((group) => (
          <TableRow key={group.id}>
            {group.headers.map((header) => (
              <TableHead key={header.id}>{header.isPlaceholder ? null : <table.FlexRender header={header} />}</TableHead>
            ))}
          </TableRow>
        ))}
      </TableHeader>
      <TableBody>
        {rows.length === 0 ? (
          <TableRow>
            <TableCell colSpan={columns.length} className="text-muted-foreground text-center">
              {empty ?? 'Nothing yet.'}
            </TableCell>
          </TableRow>
        ) : (
          rows.map((row) => (
            <TableRow
              key={row.id}
              data-row-id={row.id}
              className={onRowClick ? 'cursor-pointer' : undefined}
              onClick={onRowClick ? () => onRowClick(row.original) : undefined}
            >
              {row.getAllCells().map((cell) => (
                <TableCell key={cell.id}>
                  <table.FlexRender cell={cell} />
                </TableCell>
              ))}
            </TableRow>
          ))
        )}
      </TableBody>
      {footer ? <TableFooter>{footer}</TableFooter> : null}
    </Table>
  );
}
