// The request log's filters live in the URL (shareable, survive reload); this turns them into
// the API's query, with the day range resolved to epoch ms in the user's zone.
import type { Query } from '@/lib/api';
import { startOfDayAgo } from '@/lib/time';

export const DAY_RANGES = ['1', '7', '30', '90'] as const;
export const STATUS_FILTERS = ['all', 'ok', 'error'] as const;

export interface RequestFilters {
  days: number;
  model: string;
  key: string;
  status: (typeof STATUS_FILTERS)[number];
}

export function filtersOf(search: URLSearchParams): RequestFilters {
  const days = search.get('days');
  const status = search.get('status');
  return {
    days: DAY_RANGES.includes(days as (typeof DAY_RANGES)[number]) ? Number(days) : 7,
    model: search.get('model') ?? '',
    key: search.get('key') ?? '',
    status: STATUS_FILTERS.includes(status as RequestFilters['status']) ? (status as RequestFilters['status']) : 'all',
  };
}

/** `now` is passed in so the same filters give the same query within a render. */
export function apiQueryOf(filters: RequestFilters, zone: string, now: number): Query {
  return {
    from: startOfDayAgo(filters.days - 1, zone, now),
    to: startOfDayAgo(-1, zone, now),
    tz: zone,
    model: filters.model,
    key: filters.key,
    status: filters.status === 'all' ? '' : filters.status,
  };
}
