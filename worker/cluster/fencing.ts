// Fencing of what only the lease holder may do: score pushes and ledger batches carry the
// holder's term in a header, and the worker refuses (409) a term that is not the lease's
// current one, so a node that lost the lease (paused, partitioned, slow) cannot act after
// another took over. docs/analytics-cluster.md has the whole argument.
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import type { Result } from '../protocols/types';
import type { GatewayError } from '../errors';
import { errorResponse } from '../pipeline/respond';
import { ANALYTICS_LEASE } from './lease-rules';
import { fenceCheck } from './lease-store';

export const LEASE_TERM_HEADER = 'x-switchboard-lease-term';

/** The term a request was sent under: null without the header (a node that uses no lease). */
export function termOf(header: string | undefined | null): Result<number | null, GatewayError> {
  if (header === undefined || header === null) return { ok: true, value: null };
  if (!/^[1-9][0-9]{0,15}$/.test(header) || !Number.isSafeInteger(Number(header))) {
    return { ok: false, error: { kind: 'invalid_request', message: `${LEASE_TERM_HEADER} must be a positive integer.`, param: LEASE_TERM_HEADER } };
  }
  return { ok: true, value: Number(header) };
}

/**
 * The 400 or 409 to answer when the request's term may not act now; null when it may.
 * `what` names the action in the message ("score push", "ledger batch").
 */
export async function fenceRefusal(c: Context<AppEnv>, what: string, nowMs: number): Promise<Response | null> {
  const term = termOf(c.req.header(LEASE_TERM_HEADER));
  if (!term.ok) return errorResponse(c, 'openai', term.error);
  const check = await fenceCheck(c.env.DB, ANALYTICS_LEASE, term.value, nowMs);
  if (check.allowed) return null;
  const sent = term.value === null ? 'no lease term' : `lease term ${term.value}`;
  return errorResponse(c, 'openai', {
    kind: 'conflict',
    message: `${what} refused: sent under ${sent}, the analytics lease is at term ${check.current_term ?? 'none'}.`,
    param: LEASE_TERM_HEADER,
  });
}
