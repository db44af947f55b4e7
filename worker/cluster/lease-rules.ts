// The analytics lease's rules, pure (the clock is an argument): who holds the lease after a
// node asks for it. The D1 edge (lease-store.ts) reads the row, applies these rules and
// writes the result with a compare-and-set on the row it read, so two nodes asking at once
// cannot both win.
import { z } from 'zod';

/** The one lease the analytics nodes share: score recompute + push and the ledger. */
export const ANALYTICS_LEASE = 'analytics';

export const leaseRequestSchema = z.strictObject({
  node_id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:@-]+$/, 'letters, digits and . _ : @ - only'),
  /** How long the lease lasts from now, seconds. The node renews at a third of it. */
  ttl_s: z.number().int().min(1).max(3600),
});

export type LeaseRequest = z.infer<typeof leaseRequestSchema>;

export interface LeaseRow {
  name: string;
  holder: string;
  term: number;
  /** Epoch ms, the worker's clock. */
  expires_at: number;
}

export type LeaseChange = 'acquired' | 'renewed' | 'taken_over' | 'refused';

export interface LeaseDecision {
  /** The row as it stands after the decision (unchanged when refused). */
  row: LeaseRow;
  change: LeaseChange;
  /** Whether the asking node holds the lease now. */
  leader: boolean;
}

/**
 * - no row: the node acquires term 1;
 * - held by the node and unexpired: renewed, same term, later expiry;
 * - expired (whoever held it): the node acquires it with the next term, so anything the
 *   previous term still sends is refused, even when the previous holder is this same node;
 * - held by another node and unexpired: refused, nothing changes.
 */
export function decideLease(current: LeaseRow | null, name: string, request: LeaseRequest, nowMs: number): LeaseDecision {
  const expires_at = Math.trunc(nowMs) + request.ttl_s * 1000;
  if (current === null) {
    return { row: { name, holder: request.node_id, term: 1, expires_at }, change: 'acquired', leader: true };
  }
  const expired = current.expires_at <= nowMs;
  if (!expired && current.holder === request.node_id) {
    // Never shorten a lease: a renewal asking for less keeps the later expiry it already has.
    return { row: { ...current, expires_at: Math.max(current.expires_at, expires_at) }, change: 'renewed', leader: true };
  }
  if (expired) {
    return { row: { name, holder: request.node_id, term: current.term + 1, expires_at }, change: 'taken_over', leader: true };
  }
  return { row: current, change: 'refused', leader: false };
}

/**
 * Fencing: an action sent under `term` (null: sent by a node that uses no lease) is allowed
 * when `term` is the lease's current one; with no term, only while no unexpired lease is held
 * (a single node that never joined a cluster, or one left after the cluster's lease lapsed).
 */
export function fenceAllows(current: LeaseRow | null, term: number | null, nowMs: number): boolean {
  if (term === null) return current === null || current.expires_at <= nowMs;
  return current !== null && current.term === term;
}
