// The console's one fetch client. Same-origin cookies carry the session; every state-changing
// call carries the session's CSRF token (the node refuses it otherwise); errors arrive as
// `{error: {message}}` and leave here as a thrown ApiError; a 401 ends the session.
import { navigate } from 'wouter/use-browser-location';
import type { ApiError as ApiErrorBody } from '../../../analytics-node/console/api-types';
import { sessionAtom } from './session';
import { store } from './store';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
    /** Seconds from a 429's retry-after header. */
    readonly retryAfterS: number | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/** `?a=1&b=x` from the values that are set (empty string, null and undefined are left out). */
export function queryString(query: Query | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** A URL for links the browser follows itself (CSV export): same path and query rules. */
export function apiUrl(path: string, query?: Query): string {
  return `${path}${queryString(query)}`;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const csrf = store.get(sessionAtom)?.csrf_token;
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const response = await fetch(apiUrl(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.ok) {
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  const error = await errorOf(response);
  // An expired or revoked session: back to sign-in (except for the session calls themselves).
  if (response.status === 401 && !path.startsWith('/api/session') && !path.startsWith('/api/invites')) {
    store.set(sessionAtom, null);
    navigate('/sign-in');
  }
  throw error;
}

async function errorOf(response: Response): Promise<ApiError> {
  const retryAfter = response.headers.get('retry-after');
  const retryAfterS = retryAfter !== null && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) : null;
  let message = `${response.status} ${response.statusText}`.trim();
  let code: string | undefined;
  try {
    const body = (await response.json()) as Partial<ApiErrorBody>;
    if (body.error?.message) message = body.error.message;
    code = body.error?.code;
  } catch {
    // Not JSON (a proxy's page): keep the status line.
  }
  return new ApiError(response.status, message, code, retryAfterS);
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};
