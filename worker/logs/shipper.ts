// Ships log records to the analytics node in batches, by size or by age, through
// ctx.waitUntil. When the node is down the worker keeps serving: records stay in a bounded
// buffer and are retried with back-off; what overflows the buffer is dropped and counted.
// Records are idempotent on (request_id, attempt), so a retried batch that had in fact
// arrived adds nothing.
import type { LogRecord } from '../core/types';

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

type Send = (records: LogRecord[]) => Promise<void>;
type WaitUntil = (promise: Promise<unknown>) => void;

const RETRY_DELAYS_MS = [250, 1_000, 4_000];

export class LogShipper {
  #buffer: LogRecord[] = [];
  /** When the age timer was armed (0 = not armed). */
  #timerArmedAt = 0;
  /** Records taken out of the buffer by a flush and not yet acknowledged. */
  #sending = 0;
  readonly counters: ShipperCounters = { buffered: 0, shipped: 0, dropped: 0, failed_batches: 0 };

  constructor(readonly options: ShipperOptions) {}

  enqueue(record: LogRecord, send: Send, waitUntil: WaitUntil): void {
    this.#buffer.push(record);
    this.#trim();
    const now = Date.now();
    if (this.#buffer.length >= this.options.batchSize) {
      waitUntil(this.flush(send));
    } else if (this.#timerArmedAt === 0 || now - this.#timerArmedAt > this.options.maxAgeMs * 4) {
      // (Re-)arm the age timer. A timer whose request context was cancelled never fires;
      // the age check above re-arms after it, so no record waits for ever.
      this.#timerArmedAt = now;
      waitUntil(
        sleep(this.options.maxAgeMs).then(() => {
          this.#timerArmedAt = 0;
          return this.flush(send);
        }),
      );
    }
  }

  /**
   * Ship everything buffered, retrying a failed batch a few times within this call. Each
   * call takes its own batches out of the buffer, so concurrent flushes (from different
   * requests) never wait on each other's I/O and never send a record twice; a failed batch
   * goes back to the front of the buffer.
   */
  async flush(send: Send): Promise<void> {
    let retries = 0;
    while (this.#buffer.length > 0) {
      const batch = this.#buffer.splice(0, this.options.batchSize * 5);
      this.counters.buffered = this.#buffer.length;
      this.#sending += batch.length;
      try {
        await send(batch);
        this.counters.shipped += batch.length;
        retries = 0;
      } catch {
        this.counters.failed_batches += 1;
        this.#buffer.unshift(...batch);
        this.#trim();
        const delay = RETRY_DELAYS_MS[retries];
        if (delay === undefined) break; // keep the records for the next flush
        retries += 1;
        await sleep(delay);
      } finally {
        this.#sending -= batch.length;
      }
    }
    this.counters.buffered = this.#buffer.length;
  }

  /** Keep at most bufferLimit records, dropping (and counting) the oldest. */
  #trim(): void {
    const overflow = this.#buffer.length - this.options.bufferLimit;
    if (overflow > 0) {
      this.#buffer.splice(0, overflow);
      this.counters.dropped += overflow;
    }
    this.counters.buffered = this.#buffer.length;
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

/** POST a batch to the analytics node's /ingest. */
export function analyticsSender(baseUrl: string, secret: string): Send {
  return async (records) => {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ records }),
    });
    // Drain the body so the connection can be reused.
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`ingest answered ${response.status}`);
  };
}
