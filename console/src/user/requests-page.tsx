// The user's own requests, newest first, each error in plain words. Filters are in the URL;
// the CSV link exports exactly the filtered set.
import { useEffect, useMemo, useState } from 'react';
import { useAtomValue } from 'jotai';
import { useSearchParams } from 'wouter';
import { Download } from 'lucide-react';
import type { UserRequestPage, UserRequestRow } from '../../../analytics-node/console/api-types';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { Skeleton } from '@/components/ui/skeleton';
import { api, apiUrl, ApiError } from '@/lib/api';
import { timeZoneAtom } from '@/lib/time';
import { useApi } from '@/lib/use-api';
import { LoadError } from './load-error';
import { PageHeader } from './page-header';
import { apiQueryOf, filtersOf } from './request-filters';
import { RequestFiltersBar } from './request-filters-bar';
import { REQUEST_NUMERIC_COLUMNS, requestColumns } from './request-columns';

export function RequestsPage() {
  const zone = useAtomValue(timeZoneAtom);
  const [search, setSearch] = useSearchParams();
  const filters = filtersOf(search);
  const searchText = search.toString();
  const query = useMemo(() => apiQueryOf(filters, zone, Date.now()), [searchText, zone]); // eslint-disable-line react-hooks/exhaustive-deps
  const first = useApi<UserRequestPage>('/api/me/requests', { ...query, limit: 100 });
  const [older, setOlder] = useState<UserRequestRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  useEffect(() => {
    setOlder([]);
    setCursor(first.data?.next_cursor ?? null);
  }, [first.data]);
  const rows = useMemo(() => [...(first.data?.rows ?? []), ...older], [first.data, older]);
  const columns = useMemo(() => requestColumns(zone), [zone]);

  const loadOlder = async () => {
    if (!cursor) return;
    try {
      const page = await api.get<UserRequestPage>('/api/me/requests', { ...query, limit: 100, cursor });
      setOlder((previous) => [...previous, ...page.rows]);
      setCursor(page.next_cursor);
    } catch (caught) {
      setMoreError(caught instanceof ApiError ? caught : null);
    }
  };

  return (
    <section>
      <PageHeader
        title="Requests"
        description="Your requests through the gateway, newest first. Failed requests are not charged."
        actions={
          <Button variant="outline" asChild>
            <a href={apiUrl('/api/me/requests/export', { ...query, format: 'csv' })} download data-testid="export-csv">
              <Download aria-hidden="true" />
              Export CSV
            </a>
          </Button>
        }
      />
      <RequestFiltersBar filters={filters} setSearch={setSearch} />
      <Card className="mt-4">
        <CardContent className="flex flex-col gap-4">
          {first.error && <LoadError error={first.error} what="your requests" />}
          {moreError && <LoadError error={moreError} what="older requests" />}
          {!first.data && !first.error && <Skeleton className="h-32 w-full" />}
          {first.data && (
            <DataTable
              label="Your requests"
              testId="requests-table"
              columns={columns}
              data={rows}
              numericColumns={REQUEST_NUMERIC_COLUMNS}
              getRowId={(row) => row.request_id}
              empty="No requests match these filters."
            />
          )}
          {cursor && (
            <Button variant="outline" className="self-center" onClick={() => void loadOlder()}>
              Load older requests
            </Button>
          )}
        </CardContent>
      </Card>
    </section>
  );
}
