// The billing ledger: every change to the balance, each traced to a top-up (with its note) or
// to a usage batch from the log. Newest first, as the node answers.
import { useAtomValue } from 'jotai';
import { createColumnHelper } from '@tanstack/react-table';
import type { LedgerEntry, LedgerList } from '../../../analytics-node/console/api-types';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { DataTable, type BasicFeatures } from '@/components/ui/data-table';
import { Skeleton } from '@/components/ui/skeleton';
import { formatUsd } from '@/lib/format';
import { formatDateTime, timeZoneAtom } from '@/lib/time';
import { useApi } from '@/lib/use-api';
import { useMemo } from 'react';
import { LoadError } from './load-error';

const KIND_LABELS: Record<LedgerEntry['kind'], { label: string; variant: 'secondary' | 'success' | 'outline' }> = {
  opening: { label: 'Opening balance', variant: 'outline' },
  credit: { label: 'Top-up', variant: 'success' },
  debit: { label: 'Usage', variant: 'secondary' },
};

const helper = createColumnHelper<BasicFeatures, LedgerEntry>();
function columnsIn(zone: string) {
  return helper.columns([
    helper.accessor('created_at', { header: 'When', cell: (cell) => formatDateTime(cell.getValue(), zone) }),
    helper.accessor('kind', {
      header: 'Change',
      cell: (cell) => <Badge variant={KIND_LABELS[cell.getValue()].variant}>{KIND_LABELS[cell.getValue()].label}</Badge>,
    }),
    helper.accessor('amount_usd', {
      header: 'Amount',
      cell: (cell) => {
        const signed = cell.row.original.kind === 'debit' ? -Math.abs(cell.getValue()) : cell.getValue();
        return <span className={signed < 0 ? 'text-destructive' : 'text-success'}>{signed > 0 ? '+' : ''}{formatUsd(signed)}</span>;
      },
    }),
    helper.display({ id: 'source', header: 'Traced to', cell: (cell) => sourceOf(cell.row.original) }),
  ]);
}

function sourceOf(entry: LedgerEntry): string {
  if (entry.kind === 'credit') return `Top-up ${entry.reference ?? ''}${entry.note ? ` — ${entry.note}` : ''}`.trim();
  if (entry.kind === 'debit') return `Usage batch ${entry.reference ?? ''}${entry.note ? ` — ${entry.note}` : ''}`.trim();
  return entry.note ?? 'Balance when the account was created';
}

export function LedgerCard() {
  const zone = useAtomValue(timeZoneAtom);
  const ledger = useApi<LedgerList>('/api/me/ledger', { limit: 200 });
  const columns = useMemo(() => columnsIn(zone), [zone]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>
          <h2>Billing ledger</h2>
        </CardTitle>
        <CardDescription>Every change to your balance: top-ups from the operator and charges for usage.</CardDescription>
      </CardHeader>
      <CardContent>
        {ledger.error && <LoadError error={ledger.error} what="your ledger" />}
        {!ledger.data && !ledger.error && <Skeleton className="h-24 w-full" />}
        {ledger.data && (
          <DataTable
            label="Billing ledger"
            testId="ledger-table"
            columns={columns}
            data={ledger.data.data}
            numericColumns={['amount_usd']}
            getRowId={(row) => String(row.id)}
            empty="No balance changes yet."
          />
        )}
      </CardContent>
    </Card>
  );
}
