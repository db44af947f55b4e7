// The billing ledger: what users are charged, taken from the log, sent to the worker's D1 in
// idempotent batches. The log is the source of truth for every debit: a request is charged
// the price_usd of its final attempt (rounded to nano-USD per request, as the worker's
// account object rounds it), exactly once.
//
// Two tables beside `log` (in DuckDB or ClickHouse: the SQL is rendered per dialect, and
// ClickHouse reads the log with FINAL, so a record stored twice is charged once) make it exactly once:
//  - ledger_entries: one row per charged request with the id of the batch that carries it.
//    A request enters a batch once (anti-join on request_id), so late log records simply join
//    the next batch.
//  - ledger_applied: the batches the worker acknowledged.
// A batch is formed by one INSERT … SELECT and sent until acknowledged, always with the same
// id; the worker records applied ids in D1, so a resend after a lost answer (or after this
// node restarts) changes nothing there. What a batch sends is recomputed each time from the
// rows (ledger-sql.ts): its entries minus the requests a batch formed before it owns, which
// only differs from its entries when a frozen leader formed an overlapping batch late. A batch
// left empty by that is marked applied here and never sent.
import type { LogStore } from './log-store';
import { CREATE_LEDGER_TABLES, PENDING_BATCHES_SQL, batchBodySql, formBatchSql, summarySql } from './ledger-sql';

export { CREATE_LEDGER_TABLES };

export interface LedgerBatchBody {
  batch_id: string;
  up_to_ts: number;
  debits: Array<{ user_id: string; amount_nanousd: number; request_ids: string[] }>;
}

export type SendBatch = (batch: LedgerBatchBody) => Promise<{ ok: boolean; status: number }>;

export interface LedgerOptions {
  store: LogStore;
  send: SendBatch | null;
  intervalS?: number;
  maxRequestsPerBatch?: number;
  now?: () => number;
  /**
   * Asked right before a batch is formed (a cluster passes its lease: role.isLeader), so a
   * node that lost the lease mid-run forms nothing. Absent: always.
   */
  mayForm?: () => boolean;
}

export interface LedgerRun {
  sent: number;
  failed: number;
  pending: number;
}

export interface Ledger {
  /**
   * Form batches from unledgered charges and send every pending batch, oldest first.
   * `mayForm`, when given, is asked too before each batch is formed (as options.mayForm).
   */
  run(mayForm?: () => boolean): Promise<LedgerRun>;
  summary(): Promise<LedgerUserSummary[]>;
  start(): void;
  stop(): Promise<void>;
}

export interface LedgerUserSummary {
  user_id: string;
  /** Σ charge of final attempts in the log. */
  logged_nanousd: number;
  /** Σ of those in a batch. */
  batched_nanousd: number;
  /** Σ of those in a batch the worker acknowledged. */
  applied_nanousd: number;
  requests: number;
}

export async function createLedger(options: LedgerOptions): Promise<Ledger> {
  const { store } = options;
  const now = options.now ?? Date.now;
  const limit = options.maxRequestsPerBatch ?? 5_000;
  const dialect = store.dialect;
  for (const statement of CREATE_LEDGER_TABLES) await store.write(statement);
  let running: Promise<LedgerRun> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let sequence = 0;

  async function pendingBatches(): Promise<string[]> {
    const rows = await store.query<{ batch_id: string }>(PENDING_BATCHES_SQL);
    return rows.map((row) => row.batch_id);
  }

  async function formBatch(mayForm: () => boolean): Promise<boolean> {
    if (!mayForm()) return false;
    sequence += 1;
    const batchId = `lb-${String(now()).padStart(14, '0')}-${String(sequence).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;
    const before = await countEntries();
    await store.write(formBatchSql(dialect, limit), [batchId]);
    return (await countEntries()) > before;
  }

  async function countEntries(): Promise<number> {
    const rows = await store.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM ledger_entries');
    return Number(rows[0]?.n ?? 0);
  }

  async function bodyOf(batchId: string): Promise<LedgerBatchBody> {
    const rows = await store.query<{ user_id: string; amount: number; request_ids: string[]; up_to: number }>(batchBodySql(dialect), [batchId]);
    return {
      batch_id: batchId,
      up_to_ts: Math.max(0, ...rows.map((row) => Number(row.up_to))),
      debits: rows.map((row) => ({ user_id: row.user_id, amount_nanousd: Number(row.amount), request_ids: row.request_ids })),
    };
  }

  async function markApplied(batchId: string): Promise<void> {
    await store.write('INSERT INTO ledger_applied VALUES ($1, $2)', [batchId, now()]);
  }

  async function runOnce(runMayForm: (() => boolean) | undefined): Promise<LedgerRun> {
    const mayForm = () => (options.mayForm?.() ?? true) && (runMayForm?.() ?? true);
    const result: LedgerRun = { sent: 0, failed: 0, pending: 0 };
    for (let round = 0; round < 100; round++) {
      let pending = await pendingBatches();
      if (pending.length === 0) {
        if (!(await formBatch(mayForm))) break;
        pending = await pendingBatches();
      }
      if (options.send === null) {
        result.pending = pending.length;
        return result;
      }
      for (const batchId of pending) {
        const body = await bodyOf(batchId);
        if (body.debits.length === 0) {
          // Every request in it belongs to a batch formed before it: nothing to charge.
          await markApplied(batchId);
          continue;
        }
        const answer = await options.send(body).catch(() => ({ ok: false, status: 0 }));
        if (!answer.ok) {
          result.failed += 1;
          result.pending = (await pendingBatches()).length;
          if (answer.status !== 0) console.warn(`analytics node: ledger batch ${batchId} refused by the worker (${answer.status}); retrying later`);
          return result;
        }
        await markApplied(batchId);
        result.sent += 1;
      }
    }
    result.pending = (await pendingBatches()).length;
    return result;
  }

  const ledger: Ledger = {
    run(mayForm) {
      // One run at a time; a caller arriving mid-run waits for it and then runs again, so
      // what it logged before calling is included.
      const previous = running ?? Promise.resolve(null);
      const next = previous.catch(() => null).then(() => runOnce(mayForm));
      running = next;
      void next.finally(() => {
        if (running === next) running = null;
      }).catch(() => undefined);
      return next;
    },
    async summary() {
      const rows = await store.query<{ user_id: string; logged: number; batched: number; applied: number; requests: number }>(summarySql(dialect));
      return rows.map((row) => ({
        user_id: row.user_id,
        logged_nanousd: Number(row.logged),
        batched_nanousd: Number(row.batched),
        applied_nanousd: Number(row.applied),
        requests: Number(row.requests),
      }));
    },
    start() {
      if (timer !== undefined || options.send === null) return;
      timer = setInterval(() => {
        if (running) return;
        void ledger.run().catch((error: unknown) => console.error('analytics node: ledger run failed', error));
      }, (options.intervalS ?? 5) * 1000);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
  return ledger;
}

/** POST a batch to `${workerUrl}/internal/ledger`; never throws. */
export function workerLedgerSender(workerUrl: string, internalSecret: string, timeoutMs = 10_000): SendBatch {
  const url = `${workerUrl.replace(/\/+$/, '')}/internal/ledger`;
  return async (batch) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${internalSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return { ok: response.ok, status: response.status };
    } catch {
      return { ok: false, status: 0 };
    }
  };
}
