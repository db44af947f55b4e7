// Calls from the analytics node to the worker on a console user's behalf, always with the
// internal secret: the admin API as a named admin (`x-switchboard-acting-admin`: the worker
// applies that admin's scope and names them in the audit log) and the per-user internal
// account API (`/internal/users/{id}/…`). The secret never reaches the browser.
export const ACTING_ADMIN_HEADER = 'x-switchboard-acting-admin';

export interface WorkerClientOptions {
  workerUrl: string;
  internalSecret: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface WorkerCall {
  method: string;
  /** Path on the worker, starting with `/`, query included. */
  path: string;
  body?: BodyInit | null;
  contentType?: string;
  actingAdmin?: string;
}

export type WorkerClient = (call: WorkerCall) => Promise<Response>;

export function workerClient(options: WorkerClientOptions): WorkerClient {
  const base = options.workerUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  return function callWorker(call) {
    const headers: Record<string, string> = { authorization: `Bearer ${options.internalSecret}` };
    if (call.contentType) headers['content-type'] = call.contentType;
    if (call.actingAdmin !== undefined) headers[ACTING_ADMIN_HEADER] = call.actingAdmin;
    return doFetch(`${base}${call.path}`, {
      method: call.method,
      headers,
      body: call.body ?? undefined,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  };
}

/** JSON from the worker, or the status it answered with. */
export async function workerJson<T>(client: WorkerClient, call: WorkerCall): Promise<{ ok: true; value: T } | { ok: false; status: number }> {
  try {
    const response = await client(call);
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, status: response.status };
    }
    return { ok: true, value: (await response.json()) as T };
  } catch {
    return { ok: false, status: 502 };
  }
}

export const userPath = (userId: string, rest = ''): string => `/internal/users/${encodeURIComponent(userId)}${rest}`;
