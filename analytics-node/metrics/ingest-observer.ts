// Counts /ingest batches as they are answered: batches stored, duplicates the store left out,
// refusals by status. It wraps the ingest route (mounted before it) and reads only the
// route's small JSON answer, never the batch.
import type { MiddlewareHandler } from 'hono';
import type { ExpositionWriter } from './exposition';

export class IngestCounters {
  batches = 0;
  records = 0;
  duplicates = 0;
  /** HTTP status → refused batches. */
  readonly errors = new Map<number, number>();

  write(writer: ExpositionWriter): void {
    writer.single('switchboard_ingest_batches_total', 'counter', 'Ingest batches this node accepted.', this.batches);
    writer.single('switchboard_ingest_records_total', 'counter', 'Log records this node stored (duplicates left out).', this.records);
    writer.single('switchboard_ingest_duplicates_total', 'counter', 'Log records received again and left out: (request_id, attempt) already stored.', this.duplicates);
    writer.family('switchboard_ingest_errors_total', 'counter', 'Ingest batches refused or failed, by HTTP status.');
    for (const [status, count] of [...this.errors].sort((a, b) => a[0] - b[0])) {
      writer.sample('switchboard_ingest_errors_total', { status: String(status) }, count);
    }
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
  };
}
