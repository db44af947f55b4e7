// Ships log records to the analytics node in batches, by size or by age, through
// ctx.waitUntil. When the node is down the worker keeps serving: records stay in a bounded
// buffer and are retried with back-off; what overflows the buffer is dropped and counted.
// Records are idempotent on (request_id, attempt), so a retried batch that had in fact
// arrived adds nothing.
import type { LogRecord } from '../core/types';
import { traced } from './wait-trace';

export interface ShipperOptions {
  batchSize: number;
  maxAgeMs: number;
  /** Records kept while the analytics node is unreachable. */
  bufferLimit: number;
}

export interface ShipperCounters {
  buffered: number;
  shipped: number;
  dropped: number;
  failed_batches: number;
}

/**
 * What this isolate lost since the node last acknowledged a batch: records dropped from a full
 * buffer and batches that failed. It rides on the next batch (a header), so the node's
 * /metrics can show losses it would otherwise never see; counted at least once.
 */
export interface ShipperLosses {
  dropped: number;
  failed_batches: number;
}

type Send = (records: LogRecord[], losses: ShipperLosses) => Promise<void>;
type WaitUntil = (promise: Promise<unknown>) => void;

/** Back-off after consecutive failed batches. */
const RETRY_DELAYS_MS = [250, 1_000, 2_000, 4_000];
const LONGEST_RETRY_DELAY_MS = 4_000;

export class LogShipper {
  #buffer: LogRecord[] = [];
  /** When the age timer was armed (0 = not armed). */
  #timerArmedAt = 0;
  /** Records taken out of the buffer by a flush and not yet acknowledged. */
  #sending = 0;
  /** After a failed batch no flush starts before this time (epoch ms): back-off. */
  #retryAt = 0;
  #failures = 0;
  readonly #counters: ShipperCounters = { buffered: 0, shipped: 0, dropped: 0, failed_batches: 0 };
  /** The losses the node has acknowledged hearing of. */
  readonly #reported: ShipperLosses = { dropped: 0, failed_batches: 0 };

  constructor(readonly options: ShipperOptions) {}

  enqueue(record: LogRecord, send: Send, waitUntil: WaitUntil): void {
    this.#buffer.push(record);
    this.#trim();
    const now = Date.now();
    if (now < this.#retryAt) {
      // The analytics node failed a moment ago: one timer at the end of the back-off, not a
      // flush per request hammering a node that is down.
      this.#armTimer(this.#retryAt - now, now, send, waitUntil);
    } else if (this.#buffer.length >= this.options.batchSize) {
      waitUntil(this.flush(send));
    } else {
      this.#armTimer(this.options.maxAgeMs, now, send, waitUntil);
    }
  }

  /**
   * Ship what is buffered when the flush starts, unless backing off after a failure. Each
   * call takes its own batches out of the buffer, so concurrent flushes (from different
   * requests) never wait on each other's I/O and never send a record twice; a failed batch
   * goes back to the front of the buffer and starts the back-off. Records that arrive during
   * the flush wait for their own batch (by size or age): a flush that shipped until the
   * buffer was empty never ended under steady traffic, posting the two or three records that
   * arrived during each round trip, tens of times a second (docs/perf-notes-tail.md).
   */
  async flush(send: Send): Promise<void> {
    let owed = this.#buffer.length;
    while (owed > 0 && this.#buffer.length > 0 && Date.now() >= this.#retryAt) {
      const batch = this.#buffer.splice(0, Math.min(owed, this.options.batchSize * 5));
      owed -= batch.length;
      this.#counters.buffered = this.#buffer.length;
      this.#sending += batch.length;
      const losses = { dropped: this.#counters.dropped - this.#reported.dropped, failed_batches: this.#counters.failed_batches - this.#reported.failed_batches };
      try {
        await send(batch, losses);
        this.#reported.dropped += losses.dropped;
        this.#reported.failed_batches += losses.failed_batches;
        this.#counters.shipped += batch.length;
        this.#failures = 0;
      } catch {
        this.#counters.failed_batches += 1;
        this.#buffer.unshift(...batch);
        this.#trim();
        this.#failures += 1;
        this.#retryAt = Date.now() + (RETRY_DELAYS_MS[this.#failures - 1] ?? LONGEST_RETRY_DELAY_MS);
        break;
      } finally {
        this.#sending -= batch.length;
      }
    }
    this.#counters.buffered = this.#buffer.length;
  }

  /**
   * (Re-)arm the timer that flushes after `delay`. A timer whose request context was
   * cancelled never fires; an armed timer older than it could be is replaced, so no record
   * waits for ever while requests keep coming (and the cron flushes when they stop).
   */
  #armTimer(delay: number, now: number, send: Send, waitUntil: WaitUntil): void {
    const stale = now - this.#timerArmedAt > Math.max(this.options.maxAgeMs * 4, delay + this.options.maxAgeMs);
    if (this.#timerArmedAt !== 0 && !stale) return;
    this.#timerArmedAt = now;
    waitUntil(
      sleep(delay).then(() => {
        this.#timerArmedAt = 0;
        return this.flush(send);
      }),
    );
  }

  /** A record that could not be shipped at all (no analytics node configured): counted, not kept. */
  drop(): void {
    this.#counters.dropped += 1;
  }

  /** Keep at most bufferLimit records, dropping (and counting) the oldest. */
  #trim(): void {
    const overflow = this.#buffer.length - this.options.bufferLimit;
    if (overflow > 0) {
      this.#buffer.splice(0, overflow);
      this.#counters.dropped += overflow;
    }
    this.#counters.buffered = this.#buffer.length;
  }

  /** Read-only outside: the shipper alone counts (drop() for a record it never saw). */
  get counters(): Readonly<ShipperCounters> {
    return this.#counters;
  }

  get size(): number {
    return this.#buffer.length;
  }

  /** Records buffered or on their way (a flush elsewhere may hold some). */
  get pending(): number {
    return this.#buffer.length + this.#sending;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Where records go: the analytics node's base URL and the shared secret (worker bindings). */
export interface ShipTarget {
  ANALYTICS_URL?: string;
  INTERNAL_SECRET?: string;
}

/** Ship one record, or count it dropped when no analytics node is configured. */
export function shipRecord(shipper: LogShipper, target: ShipTarget, record: LogRecord, waitUntil: WaitUntil): void {
  if (!target.ANALYTICS_URL || !target.INTERNAL_SECRET) {
    shipper.drop();
    return;
  }
  shipper.enqueue(record, analyticsSender(target.ANALYTICS_URL, target.INTERNAL_SECRET), waitUntil);
}

/** POST a batch to the analytics node's /ingest. */
export function analyticsSender(baseUrl: string, secret: string): Send {
  return (records, losses) => traced('log-ship', () => post(records, losses));
  async function post(records: LogRecord[], losses: ShipperLosses): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${secret}` };
    if (losses.dropped > 0 || losses.failed_batches > 0) headers[WORKER_LOSSES_HEADER] = formatLosses(losses);
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/ingest`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ records }),
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`ingest answered ${response.status}`);
  }
}

/** The header that carries a batch's ShipperLosses to the analytics node (analytics-node/metrics/). */
export const WORKER_LOSSES_HEADER = 'x-switchboard-worker-losses';

export function formatLosses(losses: ShipperLosses): string {
  return `dropped=${losses.dropped};failed_batches=${losses.failed_batches}`;
}
