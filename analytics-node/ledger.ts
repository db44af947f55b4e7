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
// A batch is formed by one INSERT … SELECT (atomic) and sent until acknowledged, always with
// the same id and contents; the worker records applied ids in D1, so a resend after a lost
// answer (or after this node restarts) changes nothing there.
import type { LogStore } from './log-store';
import { anyValue, listOf, logSource, nanoUsd } from './store/dialect';

export const CREATE_LEDGER_TABLES = [
  `CREATE TABLE IF NOT EXISTS ledger_entries (
     request_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, key_id VARCHAR NOT NULL,
     amount_nanousd BIGINT NOT NULL, ts_end BIGINT NOT NULL, batch_id VARCHAR NOT NULL)`,
  'CREATE TABLE IF NOT EXISTS ledger_applied (batch_id VARCHAR NOT NULL, applied_at BIGINT NOT NULL)',
];


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
}

export interface LedgerRun {
  sent: number;
  failed: number;
  pending: number;
}

export interface Ledger {
  /** Form batches from unledgered charges and send every pending batch, oldest first. */
  run(): Promise<LedgerRun>;
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
  const charge = nanoUsd(dialect, 'price_usd');
  for (const statement of CREATE_LEDGER_TABLES) await store.write(statement);
  let running: Promise<LedgerRun> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let sequence = 0;

  async function pendingBatches(): Promise<string[]> {
    const rows = await store.query<{ batch_id: string }>(
      `SELECT DISTINCT batch_id FROM ledger_entries
       WHERE batch_id NOT IN (SELECT batch_id FROM ledger_applied) ORDER BY batch_id`,
    );
    return rows.map((row) => row.batch_id);
  }

  async function formBatch(): Promise<boolean> {
    sequence += 1;
    const batchId = `lb-${String(now()).padStart(14, '0')}-${String(sequence).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;
    const before = await countEntries();
    await store.write(
      `INSERT INTO ledger_entries
       SELECT request_id, ${anyValue(dialect, 'user_id')}, ${anyValue(dialect, 'key_id')}, sum(${charge}), max(ts_end), $1
       FROM ${logSource(dialect)}
       WHERE final AND price_usd > 0
         AND request_id NOT IN (SELECT request_id FROM ledger_entries)
       GROUP BY request_id ORDER BY max(ts_end), request_id LIMIT ${Math.trunc(limit)}`,
      [batchId],
    );
    return (await countEntries()) > before;
  }

  async function countEntries(): Promise<number> {
    const rows = await store.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM ledger_entries');
    return Number(rows[0]?.n ?? 0);
  }

  async function bodyOf(batchId: string): Promise<LedgerBatchBody> {
    const rows = await store.query<{ user_id: string; amount: number; request_ids: string[]; up_to: number }>(
      `SELECT user_id, sum(amount_nanousd)::DOUBLE AS amount, ${listOf(dialect, 'request_id')} AS request_ids, max(ts_end)::DOUBLE AS up_to
       FROM ledger_entries WHERE batch_id = $1 GROUP BY user_id ORDER BY user_id`,
      [batchId],
    );
    return {
      batch_id: batchId,
      up_to_ts: Math.max(0, ...rows.map((row) => Number(row.up_to))),
      debits: rows.map((row) => ({ user_id: row.user_id, amount_nanousd: Number(row.amount), request_ids: row.request_ids })),
    };
  }

  async function runOnce(): Promise<LedgerRun> {
    const result: LedgerRun = { sent: 0, failed: 0, pending: 0 };
    for (let round = 0; round < 100; round++) {
      let pending = await pendingBatches();
      if (pending.length === 0) {
        if (!(await formBatch())) break;
        pending = await pendingBatches();
      }
      if (options.send === null) {
        result.pending = pending.length;
        return result;
      }
      for (const batchId of pending) {
        const answer = await options.send(await bodyOf(batchId)).catch(() => ({ ok: false, status: 0 }));
        if (!answer.ok) {
          result.failed += 1;
          result.pending = (await pendingBatches()).length;
          if (answer.status !== 0) console.warn(`analytics node: ledger batch ${batchId} refused by the worker (${answer.status}); retrying later`);
          return result;
        }
        await store.write('INSERT INTO ledger_applied VALUES ($1, $2)', [batchId, now()]);
        result.sent += 1;
      }
    }
    result.pending = (await pendingBatches()).length;
    return result;
  }

  const ledger: Ledger = {
    run() {
      // One run at a time; a caller arriving mid-run waits for it and then runs again, so
      // what it logged before calling is included.
      const previous = running ?? Promise.resolve(null);
      const next = previous.catch(() => null).then(() => runOnce());
      running = next;
      void next.finally(() => {
        if (running === next) running = null;
      }).catch(() => undefined);
      return next;
    },
    async summary() {
      const rows = await store.query<{ user_id: string; logged: number; batched: number; applied: number; requests: number }>(
        `WITH logged AS (
           SELECT user_id, sum(${charge})::DOUBLE AS logged, count(DISTINCT request_id)::DOUBLE AS requests
           FROM ${logSource(dialect)} WHERE final AND price_usd > 0 GROUP BY user_id),
         batched AS (
           SELECT user_id, sum(amount_nanousd)::DOUBLE AS batched,
             coalesce(sum(amount_nanousd) FILTER (WHERE batch_id IN (SELECT batch_id FROM ledger_applied)), 0)::DOUBLE AS applied
           FROM ledger_entries GROUP BY user_id)
         SELECT coalesce(l.user_id, b.user_id) AS user_id, coalesce(l.logged, 0) AS logged, coalesce(b.batched, 0) AS batched,
           coalesce(b.applied, 0) AS applied, coalesce(l.requests, 0) AS requests
         FROM logged l FULL OUTER JOIN batched b ON l.user_id = b.user_id ORDER BY user_id`,
      );
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
