// Turns the records this node stored into span sources for the exporter. The root span of a
// request goes out with its final attempt; it starts at the earliest attempt of that request
// this node has seen (same batch or a recent one), which is the first attempt whenever one
// isolate's batches reach one node, and otherwise the final attempt's own start.
import type { LogRecord } from '../../worker/core/types';
import type { RequestSummary } from './span-builder';
import type { SpanExporter } from './span-exporter';

/** Requests with attempts seen and no final one yet; the oldest are forgotten first. */
const REMEMBERED_REQUESTS = 10_000;

export class TraceRecorder {
  readonly #pending = new Map<string, RequestSummary>();

  constructor(readonly exporter: SpanExporter) {}

  record(records: readonly LogRecord[]): void {
    // Earlier attempts first, so that a final attempt listed before a slower hedge still starts the root span at the earliest.
    for (const record of records) if (!record.final) this.#remember(record);
    for (const record of records) {
      if (!record.final) {
        this.exporter.enqueue({ record, request: null });
        continue;
      }
      const seen = this.#pending.get(record.request_id);
      this.#pending.delete(record.request_id);
      const request = { startMs: Math.min(seen?.startMs ?? record.ts_start, record.ts_start), attempts: Math.max(seen?.attempts ?? 0, record.attempt) };
      this.exporter.enqueue({ record, request });
    }
  }

  #remember(record: LogRecord): void {
    const seen = this.#pending.get(record.request_id);
    if (seen) {
      seen.startMs = Math.min(seen.startMs, record.ts_start);
      seen.attempts = Math.max(seen.attempts, record.attempt);
      return;
    }
    if (this.#pending.size >= REMEMBERED_REQUESTS) this.#pending.delete(this.#pending.keys().next().value!);
    this.#pending.set(record.request_id, { startMs: record.ts_start, attempts: record.attempt });
  }
}
