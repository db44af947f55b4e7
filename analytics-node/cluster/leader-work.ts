// What only the lease holder does, fenced: the score push and ledger batches carry its term
// (the worker refuses a term that is no longer current), and the ledger runs, forms batches
// and records acknowledgements only while this node holds the lease.
import type { ScoreTable } from '../../worker/core/types';
import type { Ledger, LedgerRun, SendBatch } from '../ledger';
import { pushScoreTable, type PushResult } from '../score-table';
import type { ClusterRole } from './cluster-role';

/** The header the worker reads the term from (worker/cluster/fencing.ts). */
export const LEASE_TERM_HEADER = 'x-switchboard-lease-term';

function headersFor(internalSecret: string, term: number | null): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${internalSecret}`, 'content-type': 'application/json' };
  if (term !== null) headers[LEASE_TERM_HEADER] = String(term);
  return headers;
}

/** POST the table to `${workerUrl}/internal/scores` under the role's term; never throws. */
export async function pushScoresAsLeader(workerUrl: string, internalSecret: string, role: ClusterRole, table: ScoreTable, timeoutMs = 3000): Promise<PushResult> {
  if (!role.isLeader()) return { ok: false, error: 'not the lease holder' };
  const term = role.term();
  return pushScoreTable(workerUrl, internalSecret, table, timeoutMs, term === null ? {} : { [LEASE_TERM_HEADER]: String(term) });
}

/**
 * Sends a ledger batch under the role's term. An acknowledgement that arrives after the lease
 * ran out is reported as a refusal: the ledger then neither records it nor forms the next
 * batch (the next leader resends it, and the worker's applied-batch table makes that a no-op).
 */
export function leaderLedgerSender(workerUrl: string, internalSecret: string, role: ClusterRole, timeoutMs = 10_000): SendBatch {
  const url = `${workerUrl.replace(/\/+$/, '')}/internal/ledger`;
  return async (batch) => {
    if (!role.isLeader()) return { ok: false, status: 409 };
    try {
      const response = await fetch(url, { method: 'POST', headers: headersFor(internalSecret, role.term()), body: JSON.stringify(batch), signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      if (response.ok && !role.isLeader()) return { ok: false, status: 409 };
      return { ok: response.ok, status: response.status };
    } catch {
      return { ok: false, status: 0 };
    }
  };
}

export const NOT_THE_LEADER: LedgerRun & { skipped: string } = { sent: 0, failed: 0, pending: 0, skipped: 'not the lease holder' };

/**
 * The ledger behind the lease: runs (timer or POST /ledger/run) only on the lease holder, and
 * forms a batch only while the lease is still held, so only it forms batches in the shared
 * store. Replaces ledger.start()'s own timer.
 */
export function leaderLedger(ledger: Ledger, role: ClusterRole, intervalS: number): Ledger {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const gated: Ledger = {
    // The lease is asked again right before each batch is formed: a run that began as the
    // leader forms nothing once the lease ran out mid-run.
    run: () => (role.isLeader() ? ledger.run(() => role.isLeader()) : Promise.resolve({ ...NOT_THE_LEADER })),
    summary: () => ledger.summary(),
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        if (running || !role.isLeader()) return;
        running = true;
        void gated
          .run()
          .catch((error: unknown) => console.error('analytics node: ledger run failed', error))
          .finally(() => (running = false));
      }, intervalS * 1000);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await ledger.stop();
    },
  };
  return gated;
}
