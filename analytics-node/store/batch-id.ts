// The id that makes a retried insert a no-op. The worker's shipper sends no id of its own,
// so a batch is named by its content: a resend of the same body has the same id, and
// ClickHouse drops it through insert_deduplication_token. (A failed batch can come back
// merged with newer records: that body has another id, and the per-key check and the
// ReplacingMergeTree keep its old records from counting twice.)
import { createHash } from 'node:crypto';
import type { LogRecord } from '../../worker/core/types';

export function batchIdOfBody(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

export function batchIdOfRecords(records: readonly LogRecord[]): string {
  return batchIdOfBody(JSON.stringify({ records }));
}
