// Economics: revenue, cost, margin and cache savings by channel, model, user or key over any
// date range (days in the operator's time zone), and the requests that cost more than they
// earned.
import { useMemo, useState } from 'react';
import { useAtomValue } from 'jotai';
import { Link } from 'wouter';
import { TableCell, TableRow } from '@/components/ui/table';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { formatInteger, formatPercent, formatUsd } from '@/lib/format';
import { dayjs, formatDateTime, timeZoneAtom } from '@/lib/time';
import { DataTable, type PlainColumn } from './data-table';
import { ErrorLine, Field, NativeSelect, PageHeading, StatTile } from './page-parts';
import { useApi } from './use-api';
import type { EconomicsDimension, EconomicsReport, EconomicsRow, NegativeMarginReport, NegativeMarginRow } from './types';

const DIMENSIONS: EconomicsDimension[] = ['channel', 'model', 'user', 'key'];

export function EconomicsPage() {
  const zone = useAtomValue(timeZoneAtom);
  const today = dayjs().tz(zone).format('YYYY-MM-DD');
  const [fromDay, setFromDay] = useState(dayjs().tz(zone).subtract(6, 'day').format('YYYY-MM-DD'));
  const [toDay, setToDay] = useState(today);
  const [by, setBy] = useState<EconomicsDimension>('channel');
  // Whole days in the operator's zone: from the start of the first to the end of the last.
  const from = dayjs.tz(fromDay, zone).startOf('day').valueOf();
  const to = dayjs.tz(toDay, zone).endOf('day').valueOf() + 1;
  const report = useApi<EconomicsReport>('/api/ops/economics', { from, to, by, tz: zone });
  const negative = useApi<NegativeMarginReport>('/api/ops/economics/negative', { from, to, limit: 50 });
  const totals = report.data?.totals;

  const columns = useMemo<Array<PlainColumn<EconomicsRow>>>(
    () => [
      { accessorKey: 'key', header: by[0]!.toUpperCase() + by.slice(1) },
      { id: 'requests', header: 'Requests', cell: ({ row }) => formatInteger(row.original.requests) },
      { id: 'revenue', header: 'Revenue', cell: ({ row }) => formatUsd(row.original.revenue_usd) },
      { id: 'cost', header: 'Cost', cell: ({ row }) => formatUsd(row.original.cost_usd) },
      {
        id: 'margin',
        header: 'Margin',
        cell: ({ row }) => <span className={row.original.margin_usd < 0 ? 'text-destructive' : undefined}>{formatUsd(row.original.margin_usd)}</span>,
      },
      { id: 'margin_pct', header: 'Margin %', cell: ({ row }) => formatPercent(row.original.margin_pct) },
      { id: 'savings', header: 'Cache savings', cell: ({ row }) => formatUsd(row.original.cache_savings_usd) },
      { id: 'cached', header: 'Cached input tokens', cell: ({ row }) => formatInteger(row.original.cached_input_tokens) },
    ],
    [by],
  );
  const negativeColumns = useMemo<Array<PlainColumn<NegativeMarginRow>>>(
    () => [
      { id: 'ts', header: 'Time', cell: ({ row }) => formatDateTime(row.original.ts, zone) },
      {
        id: 'request',
        header: 'Request',
        cell: ({ row }) => (
          <Link href={`/explorer/${encodeURIComponent(row.original.request_id)}`} className="font-mono text-xs hover:underline">
            {row.original.request_id.slice(0, 18)}
          </Link>
        ),
      },
      { accessorKey: 'model', header: 'Model' },
      { accessorKey: 'channel_id', header: 'Channel' },
      { accessorKey: 'user_id', header: 'User' },
      { accessorKey: 'attempts', header: 'Attempts' },
      { id: 'revenue', header: 'Revenue', cell: ({ row }) => formatUsd(row.original.revenue_usd) },
      { id: 'cost', header: 'Cost', cell: ({ row }) => formatUsd(row.original.cost_usd) },
      { id: 'margin', header: 'Margin', cell: ({ row }) => <span className="text-destructive">{formatUsd(row.original.margin_usd)}</span> },
    ],
    [zone],
  );

  return (
    <div>
      <PageHeading
        title="Economics"
        description={`Days in ${zone}.`}
        actions={
          <>
            <Field id="economics-from" label="From" type="date" value={fromDay} max={toDay} onChange={(event) => event.target.value && setFromDay(event.target.value)} />
            <Field id="economics-to" label="To" type="date" value={toDay} min={fromDay} onChange={(event) => event.target.value && setToDay(event.target.value)} />
            <NativeSelect id="economics-by" label="By" value={by} onChange={(event) => setBy(event.target.value as EconomicsDimension)} options={DIMENSIONS} />
          </>
        }
      />
      <ErrorLine error={report.error ?? negative.error} />
      <div className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-4">
        <StatTile label="Revenue" value={formatUsd(totals?.revenue_usd)} testId="economics-revenue" />
        <StatTile label="Cost" value={formatUsd(totals?.cost_usd)} testId="economics-cost" />
        <StatTile label="Margin" value={formatUsd(totals?.margin_usd)} hint={formatPercent(totals?.margin_pct)} testId="economics-margin" />
        <StatTile label="Cache savings" value={formatUsd(totals?.cache_savings_usd)} testId="economics-savings" />
      </div>
      <DataTable
        columns={columns}
        data={report.data?.groups ?? []}
        rowId={(row) => row.key}
        label={`Economics by ${by}`}
        testId="economics-table"
        footer={
          totals ? (
            <TableRow>
              <TableCell>Total</TableCell>
              <TableCell>{formatInteger(totals.requests)}</TableCell>
              <TableCell>{formatUsd(totals.revenue_usd)}</TableCell>
              <TableCell>{formatUsd(totals.cost_usd)}</TableCell>
              <TableCell>{formatUsd(totals.margin_usd)}</TableCell>
              <TableCell>{formatPercent(totals.margin_pct)}</TableCell>
              <TableCell>{formatUsd(totals.cache_savings_usd)}</TableCell>
              <TableCell>{formatInteger(totals.cached_input_tokens)}</TableCell>
            </TableRow>
          ) : undefined
        }
      />
      <Card className="mt-4">
        <CardHeader>
          <CardTitle>Negative-margin requests</CardTitle>
        </CardHeader>
        <CardContent>
          <DataTable columns={negativeColumns} data={negative.data?.rows ?? []} rowId={(row) => row.request_id} label="Negative-margin requests" empty="None in this range." />
        </CardContent>
      </Card>
    </div>
  );
}
