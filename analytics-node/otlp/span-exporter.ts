// A batch span processor and OTLP/HTTP exporter in one: a bounded queue filled synchronously
// at ingest (spans are built only when a batch leaves), one export at a time, retries with
// exponential backoff on network errors, 429, 502, 503 and 504 (OTLP's retryable answers,
// Retry-After honoured) until the batch's timeout, then the batch is dropped and counted.
// Nothing here ever makes ingest wait.
import type { LogRecord } from '../../worker/core/types';
import type { OtlpConfig } from './otlp-config';
import { attemptSpan, exportRequestBody, requestSpan, type OtlpSpan, type RequestSummary } from './span-builder';

/** One stored attempt, and for a final attempt the request it ends (its root span). */
export interface SpanSource {
  record: LogRecord;
  request: RequestSummary | null;
}

export type DropReason = 'queue_full' | 'export_failed' | 'rejected';

export interface ExporterCounters {
  exported: number;
  dropped: Record<DropReason, number>;
  /** Export requests sent again after a retryable failure. */
  retries: number;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const FIRST_BACKOFF_MS = 100;
const LONGEST_BACKOFF_MS = 5_000;

const spansOf = (source: SpanSource) => (source.request === null ? 1 : 2);

type SendOutcome = { kind: 'sent'; rejected: number } | { kind: 'retry'; afterMs: number | null } | { kind: 'refused' };

export class SpanExporter {
  readonly counters: ExporterCounters = { exported: 0, dropped: { queue_full: 0, export_failed: 0, rejected: 0 }, retries: 0 };
  #queue: SpanSource[] = [];
  #queuedSpans = 0;
  #running: Promise<void> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Cuts backoff waits short when the node stops. */
  readonly #stopping = new AbortController();

  constructor(readonly config: OtlpConfig) {}

  get queuedSpans(): number {
    return this.#queuedSpans;
  }

  enqueue(source: SpanSource): void {
    const spans = spansOf(source);
    if (this.#queuedSpans + spans > this.config.maxQueueSize) {
      this.counters.dropped.queue_full += spans;
      return;
    }
    this.#queue.push(source);
    this.#queuedSpans += spans;
    if (this.#queuedSpans >= this.config.maxExportBatchSize) this.#start();
    else this.#timer ??= setTimeout(() => this.#start(), this.config.scheduleDelayMs).unref();
  }

  /** Exports what is queued now (and whatever arrives meanwhile); resolves when the queue is empty. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#running !== null) {
      this.#start();
      await this.#running;
    }
  }

  /** No more retries: each remaining batch gets one try, then the node can close. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping.abort();
    await this.flush();
    clearTimeout(this.#timer);
  }

  #start(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#running ??= this.#drain().finally(() => {
      this.#running = null;
      if (this.#queue.length > 0 && !this.#stopped) this.#timer ??= setTimeout(() => this.#start(), this.config.scheduleDelayMs).unref();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch: OtlpSpan[] = [];
      while (this.#queue.length > 0 && batch.length + spansOf(this.#queue[0]!) <= this.config.maxExportBatchSize) {
        const source = this.#queue.shift()!;
        this.#queuedSpans -= spansOf(source);
        batch.push(attemptSpan(source.record));
        if (source.request !== null) batch.push(requestSpan(source.record, source.request));
      }
      if (batch.length === 0) {
        // A final attempt's pair does not fit a batch of one span: send it alone.
        const source = this.#queue.shift()!;
        this.#queuedSpans -= spansOf(source);
        batch.push(attemptSpan(source.record), requestSpan(source.record, source.request!));
      }
      await this.#export(batch);
    }
  }

  async #export(batch: OtlpSpan[]): Promise<void> {
    const body = JSON.stringify(exportRequestBody(batch, this.config.serviceName));
    const deadline = Date.now() + this.config.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#send(body, deadline);
      if (outcome.kind === 'sent') {
        const rejected = Math.min(outcome.rejected, batch.length);
        this.counters.exported += batch.length - rejected;
        this.counters.dropped.rejected += rejected;
        return;
      }
      const backoff = Math.min(LONGEST_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      const wait = outcome.kind === 'retry' ? (outcome.afterMs ?? backoff) : Infinity;
      if (this.#stopped || Date.now() + wait >= deadline) {
        this.counters.dropped.export_failed += batch.length;
        return;
      }
      this.counters.retries += 1;
      await sleep(wait, this.#stopping.signal);
    }
  }

  async #send(body: string, deadline: number): Promise<SendOutcome> {
    try {
      const response = await fetch(this.config.url, {
        method: 'POST',
        headers: { ...this.config.headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
      const text = await response.text();
      if (response.ok) return { kind: 'sent', rejected: rejectedSpans(text) };
      if (RETRYABLE_STATUS.has(response.status)) return { kind: 'retry', afterMs: retryAfterMs(response.headers.get('retry-after')) };
      return { kind: 'refused' };
    } catch {
      // Connection refused, reset, timed out: the receiver may come back.
      return { kind: 'retry', afterMs: null };
    }
  }
}

/** ExportTraceServiceResponse.partialSuccess.rejectedSpans (int64: a string or a number in JSON). */
function rejectedSpans(text: string): number {
  try {
    const rejected = Number((JSON.parse(text) as { partialSuccess?: { rejectedSpans?: unknown } })?.partialSuccess?.rejectedSpans ?? 0);
    return Number.isFinite(rejected) && rejected > 0 ? rejected : 0;
  } catch {
    return 0;
  }
}

function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
