// Counts /ingest batches as they are answered: batches stored, duplicates the store left out,
// refusals by status. It wraps the ingest route (mounted before it) and reads only the
// route's small JSON answer, never the batch.
import type { MiddlewareHandler } from 'hono';
import { WORKER_LOSSES_HEADER } from '../../worker/logs/shipper';
import type { ExpositionWriter } from './exposition';

/** Sanity bound for one batch's reported losses: a larger figure is not believed. */
const MAX_REPORTED_LOSS = 1_000_000_000;

export class IngestCounters {
  batches = 0;
  records = 0;
  duplicates = 0;
  /** HTTP status → refused batches. */
  readonly errors = new Map<number, number>();
  /** What the worker's isolates report losing (worker/logs/shipper.ts ShipperLosses), summed. */
  workerDropped = 0;
  workerFailedBatches = 0;

  write(writer: ExpositionWriter): void {
    writer.single('switchboard_ingest_batches_total', 'counter', 'Ingest batches this node accepted.', this.batches);
    writer.single('switchboard_ingest_records_total', 'counter', 'Log records this node stored (duplicates left out).', this.records);
    writer.single('switchboard_ingest_duplicates_total', 'counter', 'Log records received again and left out: (request_id, attempt) already stored.', this.duplicates);
    writer.family('switchboard_ingest_errors_total', 'counter', 'Ingest batches refused or failed, by HTTP status.');
    for (const [status, count] of [...this.errors].sort((a, b) => a[0] - b[0])) {
      writer.sample('switchboard_ingest_errors_total', { status: String(status) }, count);
    }
    writer.single('switchboard_worker_log_records_dropped_total', 'counter', "Log records the worker's isolates dropped from a full buffer (reported with their next batch; at least once).", this.workerDropped);
    writer.single('switchboard_worker_log_batches_failed_total', 'counter', "Log batches the worker's isolates failed to ship and retried (reported with their next batch; at least once).", this.workerFailedBatches);
  }
}

const answerShape = (value: unknown): value is { accepted: number; duplicates: number } =>
  typeof value === 'object' && value !== null && typeof (value as { accepted?: unknown }).accepted === 'number' && typeof (value as { duplicates?: unknown }).duplicates === 'number';

export function ingestObserver(counters: IngestCounters): MiddlewareHandler {
  return async function observeIngest(c, next) {
    await next();
    if (c.req.method !== 'POST') return;
    const status = c.res.status;
    if (status >= 400) {
      counters.errors.set(status, (counters.errors.get(status) ?? 0) + 1);
      return;
    }
    const answer: unknown = await c.res.clone().json().catch(() => null);
    if (!answerShape(answer)) return;
    counters.batches += 1;
    counters.records += answer.accepted;
    counters.duplicates += answer.duplicates;
    const losses = parseWorkerLosses(c.req.header(WORKER_LOSSES_HEADER));
    if (losses !== null) {
      counters.workerDropped += losses.dropped;
      counters.workerFailedBatches += losses.failed_batches;
    }
  };
}

/** `dropped=N;failed_batches=M` (worker/logs/shipper.ts formatLosses); null when absent or malformed. */
export function parseWorkerLosses(text: string | undefined): { dropped: number; failed_batches: number } | null {
  if (text === undefined) return null;
  const match = /^dropped=(\d{1,10});failed_batches=(\d{1,10})$/.exec(text.trim());
  if (!match) return null;
  const dropped = Number(match[1]);
  const failed = Number(match[2]);
  if (dropped > MAX_REPORTED_LOSS || failed > MAX_REPORTED_LOSS) return null;
  return { dropped, failed_batches: failed };
}
