// POST /internal/analytics-lease on the worker: the node's only way to the lease. Never
// throws; a failed request changes nothing (the node's lease simply runs out).
import { leaseAnswerSchema, type LeaseAnswer } from './leadership';

export type LeaseCall = (request: { node_id: string; ttl_s: number }) => Promise<{ ok: true; answer: LeaseAnswer } | { ok: false; error: string }>;

export function workerLeaseCall(workerUrl: string, internalSecret: string, timeoutMs: number): LeaseCall {
  const url = `${workerUrl.replace(/\/+$/, '')}/internal/analytics-lease`;
  return async (request) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${internalSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) return { ok: false, error: `worker answered ${response.status}` };
      const parsed = leaseAnswerSchema.safeParse(JSON.parse(text));
      return parsed.success ? { ok: true, answer: parsed.data } : { ok: false, error: 'the worker answered something that is not a lease' };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}
