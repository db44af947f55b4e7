// Usage by model, key or day over a range, with totals; cached input tokens in their own
// column (they are billed at the cache rate). The grouping and range live in the URL.
import { useMemo } from 'react';
import { useAtomValue } from 'jotai';
import { useSearchParams } from 'wouter';
import { createColumnHelper } from '@tanstack/react-table';
import type { UsageDimension, UsageGroup, UsageReport } from '../../../analytics-node/console/api-types';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { DataTable, type BasicFeatures } from '@/components/ui/data-table';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '@/components/ui/select';
import { Skeleton } from '@/components/ui/skeleton';
import { Tabs, TabsList, TabsTrigger } from '@/components/ui/tabs';
import { formatInteger, formatUsd } from '@/lib/format';
import { startOfDayAgo, timeZoneAtom } from '@/lib/time';
import { useApi } from '@/lib/use-api';
import { LedgerCard } from './ledger-card';
import { LoadError } from './load-error';
import { PageHeader } from './page-header';

const DIMENSIONS: Record<UsageDimension, string> = { model: 'Model', key: 'Key', day: 'Day' };
const RANGES = ['1', '7', '30', '90'] as const;

const helper = createColumnHelper<BasicFeatures, UsageGroup>();
function columnsFor(by: UsageDimension, totals: UsageReport['totals'] | undefined) {
  return helper.columns([
    helper.accessor('key', { header: DIMENSIONS[by], footer: () => 'Total' }),
    helper.accessor('requests', { header: 'Requests', cell: (cell) => formatInteger(cell.getValue()), footer: () => formatInteger(totals?.requests) }),
    helper.accessor('input_tokens', { header: 'Input tokens', cell: (cell) => formatInteger(cell.getValue()), footer: () => formatInteger(totals?.input_tokens) }),
    helper.accessor('cached_input_tokens', { header: 'Cached input tokens', cell: (cell) => formatInteger(cell.getValue()), footer: () => formatInteger(totals?.cached_input_tokens) }),
    helper.accessor('output_tokens', { header: 'Output tokens', cell: (cell) => formatInteger(cell.getValue()), footer: () => formatInteger(totals?.output_tokens) }),
    helper.accessor('spend_usd', { header: 'Spend', cell: (cell) => formatUsd(cell.getValue()), footer: () => formatUsd(totals?.spend_usd) }),
  ]);
}
const NUMERIC = ['requests', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'spend_usd'];

export function UsagePage() {
  const zone = useAtomValue(timeZoneAtom);
  const [search, setSearch] = useSearchParams();
  const by = (search.get('by') ?? 'model') as UsageDimension;
  const days = RANGES.includes(search.get('days') as (typeof RANGES)[number]) ? Number(search.get('days')) : 30;
  // Whole days in the user's zone: from midnight `days - 1` days ago to the next midnight.
  const range = useMemo(() => ({ from: startOfDayAgo(days - 1, zone), to: startOfDayAgo(-1, zone) }), [days, zone]);
  const usage = useApi<UsageReport>('/api/me/usage', { ...range, tz: zone, by });
  const columns = useMemo(() => columnsFor(by, usage.data?.totals), [by, usage.data]);
  const set = (name: string, value: string) =>
    setSearch((previous) => {
      const next = new URLSearchParams(previous);
      next.set(name, value);
      return next;
    });

  return (
    <section>
      <PageHeader
        title="Usage"
        description={`What you spent and used, in whole days of ${zone}.`}
        actions={
          <Select value={String(days)} onValueChange={(value) => set('days', value)}>
            <SelectTrigger aria-label="Range" className="w-40">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {RANGES.map((value) => (
                <SelectItem key={value} value={value}>
                  {value === '1' ? 'Today' : `Last ${value} days`}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        }
      />
      <div className="flex flex-col gap-6">
        <Card>
          <CardHeader>
            <CardTitle>
              <h2>Spend, requests and tokens</h2>
            </CardTitle>
            <CardDescription>Cached input tokens are counted apart from the other input tokens.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            <Tabs value={by} onValueChange={(value) => set('by', value)}>
              <TabsList aria-label="Group by">
                {Object.entries(DIMENSIONS).map(([value, label]) => (
                  <TabsTrigger key={value} value={value}>
                    By {label.toLowerCase()}
                  </TabsTrigger>
                ))}
              </TabsList>
            </Tabs>
            {usage.error && <LoadError error={usage.error} what="your usage" />}
            {!usage.data && !usage.error && <Skeleton className="h-32 w-full" />}
            {usage.data && (
              <DataTable
                label={`Usage by ${by}`}
                testId="usage-table"
                columns={columns}
                data={usage.data.groups}
                numericColumns={NUMERIC}
                getRowId={(row) => row.key}
                showFooter
                empty="No requests in this range."
              />
            )}
          </CardContent>
        </Card>
        <LedgerCard />
      </div>
    </section>
  );
}
