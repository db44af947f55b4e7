// Load one API resource for a component: the latest answer, the error, and a reload. A new
// path or query aborts the request in flight, so a slow old answer never overwrites a new one.
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, queryString, type Query } from './api';

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(path: string | null, query?: Query): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const key = path === null ? null : `${path}${queryString(query)}`;

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    api
      .get<T>(path, query, controller.signal)
      .then((answer) => {
        setData(answer);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (controller.signal.aborted) return;
        setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught), undefined, null));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
    // `key` stands for path + query: the query object is new on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, generation]);

  return { data, error, loading, reload };
}
