// The ledger's SQL, rendered per store dialect. The rule that makes a charge exact across a
// change of leader lives here: a request belongs to the FIRST batch that holds it, first by
// the store's own insertion order (`formed_at`, the server's clock read inside the INSERT …
// SELECT that formed the batch), then by batch id. A batch is sent as its entries minus the
// requests an earlier batch owns, so a frozen leader's late, overlapping batch gives up the
// requests the batch already formed (and maybe applied) took first; the rule only reads rows,
// so every node computes the same contents for the same batch. docs/analytics-cluster.md.
import type { StoreDialect } from './log-store';
import { anyValue, listOf, logSource, nanoUsd } from './store/dialect';

export const CREATE_LEDGER_TABLES = [
  `CREATE TABLE IF NOT EXISTS ledger_entries (
     request_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, key_id VARCHAR NOT NULL,
     amount_nanousd BIGINT NOT NULL, ts_end BIGINT NOT NULL, batch_id VARCHAR NOT NULL,
     formed_at BIGINT NOT NULL DEFAULT 0)`,
  'CREATE TABLE IF NOT EXISTS ledger_applied (batch_id VARCHAR NOT NULL, applied_at BIGINT NOT NULL)',
  // A table created before formed_at existed: its batches all rank at 0, by batch id, which is
  // how they were sent (one leader, oldest id first).
  'ALTER TABLE ledger_entries ADD COLUMN IF NOT EXISTS formed_at BIGINT DEFAULT 0',
];

/** The store server's clock in microseconds, read once by the statement that uses it. */
export function serverMicroseconds(dialect: StoreDialect): string {
  return dialect === 'clickhouse' ? 'toUnixTimestamp64Micro(now64(6))' : 'epoch_us(now())';
}

/** Forms batch `$1` from the charges no batch holds yet, oldest first, in one statement. */
export function formBatchSql(dialect: StoreDialect, limit: number): string {
  return `INSERT INTO ledger_entries (request_id, user_id, key_id, amount_nanousd, ts_end, batch_id, formed_at)
     SELECT request_id, ${anyValue(dialect, 'user_id')}, ${anyValue(dialect, 'key_id')}, sum(${nanoUsd(dialect, 'price_usd')}),
       max(ts_end), $1, ${serverMicroseconds(dialect)}
     FROM ${logSource(dialect)}
     WHERE final AND price_usd > 0
       AND request_id NOT IN (SELECT request_id FROM ledger_entries)
     GROUP BY request_id ORDER BY max(ts_end), request_id LIMIT ${Math.trunc(limit)}`;
}

/** Batches not yet acknowledged, in ownership order (an owner is sent before a batch it overlaps). */
export const PENDING_BATCHES_SQL = `SELECT batch_id, min(formed_at) AS formed_at FROM ledger_entries
   WHERE batch_id NOT IN (SELECT batch_id FROM ledger_applied)
   GROUP BY batch_id ORDER BY formed_at, batch_id`;

/**
 * Requests of batch `$1` that another batch holds too and takes first: one already applied
 * (whatever its rank: a batch whose rows became visible only after an overlapping batch was
 * applied must not charge them again), or an earlier one by formed_at, then batch id.
 */
const TAKEN_EARLIER = `SELECT request_id FROM ledger_entries
   WHERE batch_id <> $1
     AND request_id IN (SELECT request_id FROM ledger_entries WHERE batch_id = $1)
     AND (batch_id IN (SELECT batch_id FROM ledger_applied)
       OR formed_at < (SELECT min(formed_at) FROM ledger_entries WHERE batch_id = $1)
       OR (formed_at = (SELECT min(formed_at) FROM ledger_entries WHERE batch_id = $1) AND batch_id < $1))`;

/** Batch `$1`'s debits per user: its entries minus the requests an earlier batch owns. */
export function batchBodySql(dialect: StoreDialect): string {
  return `SELECT user_id, sum(amount_nanousd)::DOUBLE AS amount, ${listOf(dialect, 'request_id')} AS request_ids,
       max(ts_end)::DOUBLE AS up_to
     FROM ledger_entries
     WHERE batch_id = $1 AND request_id NOT IN (${TAKEN_EARLIER})
     GROUP BY user_id ORDER BY user_id`;
}

/** Per user: Σ charges in the log, Σ of them batched (each request once, in its owner) and applied. */
export function summarySql(dialect: StoreDialect): string {
  const charge = nanoUsd(dialect, 'price_usd');
  return `WITH logged AS (
       SELECT user_id, sum(${charge})::DOUBLE AS logged, count(DISTINCT request_id)::DOUBLE AS requests
       FROM ${logSource(dialect)} WHERE final AND price_usd > 0 GROUP BY user_id),
     owned AS (
       SELECT user_id, amount_nanousd, batch_id FROM ledger_entries
       QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY formed_at, batch_id) = 1),
     batched AS (
       SELECT user_id, sum(amount_nanousd)::DOUBLE AS batched,
         coalesce(sum(amount_nanousd) FILTER (WHERE batch_id IN (SELECT batch_id FROM ledger_applied)), 0)::DOUBLE AS applied
       FROM owned GROUP BY user_id)
     SELECT coalesce(l.user_id, b.user_id) AS user_id, coalesce(l.logged, 0) AS logged, coalesce(b.batched, 0) AS batched,
       coalesce(b.applied, 0) AS applied, coalesce(l.requests, 0) AS requests
     FROM logged l FULL OUTER JOIN batched b ON l.user_id = b.user_id ORDER BY user_id`;
}
