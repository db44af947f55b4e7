// The attempt log's rows: keyset pages from GET /api/ops/log (newest first; `loadMore` asks
// for the next older page with the cursor the last one gave), plus the live tail's batches
// prepended. A row is known by (request_id, attempt), so a tail batch that overlaps the first
// page adds nothing twice.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api';
import { filtersQuery, type Filters } from './log-filters';
import { messageOf } from './use-api';
import type { LogPage, LogRow, LogTail, LogTotals } from './types';

const PAGE_SIZE = 200;
const TAIL_INTERVAL_MS = 1000;

export function rowKey(row: LogRow): string {
  return `${row.request_id}:${row.attempt}`;
}

export interface LogRows {
  rows: LogRow[];
  totals: LogTotals | null;
  loading: boolean;
  exhausted: boolean;
  error: string | null;
  loadMore: () => void;
}

export function useLogRows(filters: Filters, tail: boolean): LogRows {
  const [rows, setRows] = useState<LogRow[]>([]);
  const [totals, setTotals] = useState<LogTotals | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [exhausted, setExhausted] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const filtersKey = JSON.stringify(filters);
  // Which filter set the rows in state belong to: an answer for an older set is dropped.
  const generation = useRef(0);
  const loadingRef = useRef(false);

  const fetchPage = useCallback(async (pageCursor: string | null, reset: boolean) => {
    if (loadingRef.current && !reset) return;
    const mine = generation.current;
    loadingRef.current = true;
    setLoading(true);
    try {
      const page = await api.get<LogPage>('/api/ops/log', { ...filtersQuery(JSON.parse(filtersKey) as Filters), limit: PAGE_SIZE, cursor: pageCursor });
      if (mine !== generation.current) return;
      setRows((current) => (reset ? page.rows : appendUnique(current, page.rows)));
      setTotals(page.totals);
      setCursor(page.next_cursor);
      setExhausted(page.next_cursor === null);
      setError(null);
    } catch (reason) {
      if (mine === generation.current) setError(messageOf(reason));
    } finally {
      if (mine === generation.current) {
        loadingRef.current = false;
        setLoading(false);
      }
    }
  }, [filtersKey]);

  useEffect(() => {
    generation.current += 1;
    loadingRef.current = false;
    setRows([]);
    setCursor(null);
    setExhausted(false);
    void fetchPage(null, true);
  }, [fetchPage]);

  // The live tail: one fetch per second for the whole batch since the last one, never per row.
  useEffect(() => {
    if (!tail) return;
    let after: string | null = null;
    let stopped = false;
    const mine = generation.current;
    const poll = async () => {
      try {
        const batch = await api.get<LogTail>('/api/ops/log/tail', { ...filtersQuery(JSON.parse(filtersKey) as Filters), after });
        if (stopped || mine !== generation.current) return;
        after = batch.cursor;
        if (batch.rows.length > 0) setRows((current) => prependUnique(current, [...batch.rows].reverse()));
      } catch (reason) {
        if (!stopped) setError(messageOf(reason));
      }
    };
    void poll();
    const timer = setInterval(poll, TAIL_INTERVAL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [tail, filtersKey]);

  const loadMore = useCallback(() => {
    if (cursor !== null && !exhausted) void fetchPage(cursor, false);
  }, [cursor, exhausted, fetchPage]);

  return { rows, totals, loading, exhausted, error, loadMore };
}

function appendUnique(current: LogRow[], incoming: LogRow[]): LogRow[] {
  const seen = new Set(current.map(rowKey));
  return [...current, ...incoming.filter((row) => !seen.has(rowKey(row)))];
}

function prependUnique(current: LogRow[], incoming: LogRow[]): LogRow[] {
  const seen = new Set(current.map(rowKey));
  return [...incoming.filter((row) => !seen.has(rowKey(row))), ...current];
}
