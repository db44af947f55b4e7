// The log's filters (docs/console-api.md: from, to, channel, model, user, key, status,
// error_class, stream, final) live in the URL: read from and written to the query string, so
// a filtered view is a link. The same query goes to the API unchanged.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'wouter';
import type { Query } from '@/lib/api';

export const FILTER_NAMES = ['from', 'to', 'channel', 'model', 'user', 'key', 'status', 'error_class', 'stream', 'final'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];
export type Filters = Partial<Record<FilterName, string>>;

export function filtersOf(search: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const name of FILTER_NAMES) {
    const value = search.get(name);
    if (value !== null && value !== '') filters[name] = value;
  }
  return filters;
}

export function useUrlFilters(): [Filters, (next: Filters) => void, URLSearchParams, (name: string, value: string | null) => void] {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersOf(search), [search]);
  const setFilters = useCallback(
    (next: Filters) =>
      setSearch(
        (previous) => {
          const params = new URLSearchParams(previous);
          for (const name of FILTER_NAMES) {
            const value = next[name];
            if (value === undefined || value === '') params.delete(name);
            else params.set(name, value);
          }
          return params;
        },
        { replace: true },
      ),
    [setSearch],
  );
  /** Any other parameter (the selected request, the live tail switch). */
  const setParameter = useCallback(
    (name: string, value: string | null) =>
      setSearch(
        (previous) => {
          const params = new URLSearchParams(previous);
          if (value === null) params.delete(name);
          else params.set(name, value);
          return params;
        },
        { replace: true },
      ),
    [setSearch],
  );
  return [filters, setFilters, search, setParameter];
}

export function filtersQuery(filters: Filters): Query {
  return { ...filters };
}
