// The attempt log: filters in the URL, a histogram of attempts and errors over the filtered
// set, the virtualised table with its totals row, row detail with the retry chain, a live
// tail (URL `tail=1`), and CSV / Parquet exports of exactly the filtered set.
import { useMemo } from 'react';
import { Download } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { apiUrl } from '@/lib/api';
import { Histogram } from '../charts/histogram';
import { FilterBar } from './filter-bar';
import { filtersQuery, useUrlFilters } from './log-filters';
import { LogRowDetail } from './log-row-detail';
import { LogTable } from './log-table';
import { ErrorLine, PageHeading } from './page-parts';
import { useApi } from './use-api';
import { useLogRows } from './use-log-rows';
import type { Histogram as HistogramData } from './types';

export function LogPage() {
  const [filters, setFilters, search, setParameter] = useUrlFilters();
  const tail = search.get('tail') === '1';
  const selected = search.get('request');
  const { rows, totals, loading, exhausted, error, loadMore } = useLogRows(filters, tail);
  const histogram = useApi<HistogramData>('/api/ops/log/histogram', { ...filtersQuery(filters), buckets: 60 });
  const times = useMemo(() => histogram.data?.buckets.map((bucket) => bucket.at / 1000) ?? [], [histogram.data]);
  const series = useMemo(
    () => [
      { label: 'attempts', values: histogram.data?.buckets.map((bucket) => bucket.attempts) ?? [], color: '#2563eb' },
      { label: 'errors', values: histogram.data?.buckets.map((bucket) => bucket.errors) ?? [], color: '#dc2626' },
    ],
    [histogram.data],
  );

  return (
    <div>
      <PageHeading
        title="Attempt log"
        description="One row per upstream attempt, newest first. Filters are part of the URL."
        actions={
          <>
            <label className="flex h-9 items-center gap-2 text-sm">
              <input type="checkbox" checked={tail} onChange={(event) => setParameter('tail', event.target.checked ? '1' : null)} className="size-4" />
              Live tail
            </label>
            <Button variant="outline" asChild>
              <a href={apiUrl('/api/ops/log/export', { ...filtersQuery(filters), format: 'csv' })} download data-testid="export-csv">
                <Download /> CSV
              </a>
            </Button>
            <Button variant="outline" asChild>
              <a href={apiUrl('/api/ops/log/export', { ...filtersQuery(filters), format: 'parquet' })} download data-testid="export-parquet">
                <Download /> Parquet
              </a>
            </Button>
          </>
        }
      />
      <FilterBar filters={filters} onChange={setFilters} idPrefix="log" />
      <ErrorLine error={error ?? histogram.error} />
      <Card className="mb-3 py-3">
        <CardContent className="px-3">
          <Histogram times={times} series={series} label="Attempts and errors over time for the filtered set" height={120} />
        </CardContent>
      </Card>
      <LogTable rows={rows} totals={totals} onEndReached={loadMore} onSelect={(row) => setParameter('request', row.request_id)} selected={selected} />
      <p className="text-muted-foreground mt-1 text-xs" role="status">
        {rows.length} of {totals?.attempts ?? '…'} loaded{loading ? ', loading…' : exhausted ? ', all loaded' : ''}
        {tail ? ' · live' : ''}
      </p>
      {selected ? <LogRowDetail requestId={selected} onClose={() => setParameter('request', null)} /> : null}
    </div>
  );
}
