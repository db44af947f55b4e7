// A plain (non-virtualised) TanStack Table v9 rendered with the shadcn table parts. Columns
// with a `footer` render a totals row. Columns and data must be stable (module scope or memo).
import type { ReactNode } from 'react';
import { tableFeatures, useTable, type ColumnDef, type RowData } from '@tanstack/react-table';
import { Table, TableBody, TableCell, TableFooter, TableHead, TableHeader, TableRow } from './table';
import { cn } from '@/lib/utils';

export const basicFeatures = tableFeatures({});
export type BasicFeatures = typeof basicFeatures;

/** Right-align numeric columns: set `meta: { numeric: true }`… kept simple as an id list. */
export interface DataTableProps<TData extends RowData> {
  columns: ColumnDef<BasicFeatures, TData, any>[];
  data: TData[];
  label: string;
  numericColumns?: readonly string[];
  getRowId?: (row: TData, index: number) => string;
  empty?: ReactNode;
  showFooter?: boolean;
  testId?: string;
}

export function DataTable<TData extends RowData>(props: DataTableProps<TData>) {
  const { columns, data, label, numericColumns = [], empty = 'Nothing here yet.', showFooter = false } = props;
  const table = useTable({ features: basicFeatures, columns, data, ...(props.getRowId ? { getRowId: props.getRowId } : {}) }, () => null);
  const numeric = (id: string) => numericColumns.includes(id);
  const rows = table.getRowModel().rows;
  return (
    <Table aria-label={label} data-testid={props.testId}>
      <TableHeader>
        {table.getHeaderGroups().map((group) => (
          <TableRow key={group.id}>
            {group.headers.map((header) => (
              <TableHead key={header.id} scope="col" className={cn(numeric(header.column.id) && 'text-right')}>
                {header.isPlaceholder ? null : <table.FlexRender header={header} />}
              </TableHead>
            ))}
          </TableRow>
        ))}
      </TableHeader>
      <TableBody>
        {rows.length === 0 && (
          <TableRow>
            <TableCell colSpan={columns.length} className="text-muted-foreground py-6 text-center">
              {empty}
            </TableCell>
          </TableRow>
        )}
        {rows.map((row) => (
          <TableRow key={row.id}>
            {row.getAllCells().map((cell) => (
              <TableCell key={cell.id} className={cn(numeric(cell.column.id) && 'text-right tabular-nums')}>
                <table.FlexRender cell={cell} />
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
      {showFooter && rows.length > 0 && (
        <TableFooter>
          {table.getFooterGroups().map((group) => (
            <TableRow key={group.id} data-testid="totals-row">
              {group.headers.map((header) => (
                <TableCell key={header.id} className={cn(numeric(header.column.id) && 'text-right tabular-nums')}>
                  {header.isPlaceholder ? null : <table.FlexRender footer={header} />}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableFooter>
      )}
    </Table>
  );
}
