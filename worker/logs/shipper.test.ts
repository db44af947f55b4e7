// The log shipper: batches by size and by age, keeps records while the analytics node is
// down (bounded, counting drops), and concurrent flushes never send a record twice.
import { describe, expect, it } from 'vitest';
import { LogShipper, formatLosses, shipRecord, type ShipperLosses } from './shipper';
import { parseWorkerLosses } from '../../analytics-node/metrics/ingest-observer';
import type { LogRecord } from '../core/types';

const record = (attempt: number): LogRecord => ({ request_id: 'r', attempt } as unknown as LogRecord);
const collect = () => {
  const sent: number[][] = [];
  const send = async (records: LogRecord[]) => {
    sent.push(records.map((entry) => entry.attempt));
  };
  return { sent, send };
};

describe('LogShipper', () => {
  it('ships what was buffered when the flush started, not a small batch per round trip under steady traffic', async () => {
    const shipper = new LogShipper({ batchSize: 3, maxAgeMs: 60_000, bufferLimit: 100 });
    const sent: number[] = [];
    const pending: Array<() => void> = [];
    // The first batch is acknowledged when the test says so, any later one at once.
    const send = (records: LogRecord[]) => {
      sent.push(records.length);
      return sent.length === 1 ? new Promise<void>((resolve) => pending.push(resolve)) : Promise.resolve();
    };
    const waits: Promise<unknown>[] = [];
    for (let i = 1; i <= 3; i++) shipper.enqueue(record(i), send, (promise) => waits.push(promise));
    expect(sent).toEqual([3]);
    const flushing = waits.at(-1);
    // Two records arrive while the batch is on its way; then it is acknowledged.
    shipper.enqueue(record(4), send, (promise) => waits.push(promise));
    shipper.enqueue(record(5), send, (promise) => waits.push(promise));
    pending.shift()!();
    await flushing;
    // They wait for their own batch (size or age), not a post of two records at once.
    expect(sent).toEqual([3]);
    expect(shipper.size).toBe(2);
  });


  it('flushes when a batch is full', async () => {
    const shipper = new LogShipper({ batchSize: 3, maxAgeMs: 60_000, bufferLimit: 100 });
    const { sent, send } = collect();
    const waits: Promise<unknown>[] = [];
    for (let i = 1; i <= 3; i++) shipper.enqueue(record(i), send, (promise) => waits.push(promise));
    await waits.at(-1);
    expect(sent).toEqual([[1, 2, 3]]);
    expect(shipper.counters.shipped).toBe(3);
  });

  it('flushes by age', async () => {
    const shipper = new LogShipper({ batchSize: 100, maxAgeMs: 10, bufferLimit: 100 });
    const { sent, send } = collect();
    const waits: Promise<unknown>[] = [];
    shipper.enqueue(record(1), send, (promise) => waits.push(promise));
    shipper.enqueue(record(2), send, (promise) => waits.push(promise));
    expect(waits).toHaveLength(1); // one timer for both
    await Promise.all(waits);
    expect(sent).toEqual([[1, 2]]);
  });

  it('keeps records while the node is down, backs off, then ships them', async () => {
    const shipper = new LogShipper({ batchSize: 100, maxAgeMs: 5_000, bufferLimit: 1_000 });
    for (let i = 1; i <= 5; i++) shipper.enqueue(record(i), async () => undefined, () => undefined);
    let fail = true;
    const delivered: number[] = [];
    let calls = 0;
    const send = async (records: LogRecord[]) => {
      calls += 1;
      if (fail) throw new Error('down');
      delivered.push(...records.map((entry) => entry.attempt));
    };
    await shipper.flush(send);
    expect(shipper.size).toBe(5);
    expect(shipper.counters.failed_batches).toBe(1);
    fail = false;
    // Backing off: neither a flush right away nor new records (a full batch) try again.
    await shipper.flush(send);
    const started: Promise<unknown>[] = [];
    for (let i = 6; i <= 105; i++) shipper.enqueue(record(i), send, (promise) => started.push(promise));
    await Promise.all(started.slice(1)); // only timers, no immediate flushes
    expect(calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first back-off is 250 ms
    await shipper.flush(send);
    expect(delivered).toEqual(Array.from({ length: 105 }, (_, i) => i + 1));
    expect(shipper.pending).toBe(0);
  });

  it('drops the oldest beyond the buffer limit and counts them', () => {
    const shipper = new LogShipper({ batchSize: 100, maxAgeMs: 60_000, bufferLimit: 3 });
    for (let i = 1; i <= 5; i++) shipper.enqueue(record(i), async () => undefined, () => undefined);
    expect(shipper.size).toBe(3);
    expect(shipper.counters.dropped).toBe(2);
  });

  it('concurrent flushes share the work and send each record once', async () => {
    const shipper = new LogShipper({ batchSize: 2, maxAgeMs: 60_000, bufferLimit: 100 });
    for (let i = 1; i <= 40; i++) shipper.enqueue(record(i), async () => undefined, () => undefined);
    // Everything above was "sent" by the inline flushes; refill and race two flushes.
    const delivered: number[] = [];
    const slow = async (records: LogRecord[]) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      delivered.push(...records.map((entry) => entry.attempt));
    };
    for (let i = 41; i <= 80; i++) shipper.enqueue(record(i), async () => undefined, () => undefined);
    const pendingBefore = shipper.size;
    await Promise.all([shipper.flush(slow), shipper.flush(slow)]);
    expect(delivered).toHaveLength(pendingBefore);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(shipper.pending).toBe(0);
  });

  it('shipRecord without an analytics node counts the record dropped and keeps nothing', () => {
    const shipper = new LogShipper({ batchSize: 10, maxAgeMs: 60_000, bufferLimit: 100 });
    const waits: Promise<unknown>[] = [];
    shipRecord(shipper, {}, record(1), (promise) => waits.push(promise));
    shipRecord(shipper, { ANALYTICS_URL: 'http://127.0.0.1:9' }, record(2), (promise) => waits.push(promise));
    expect(shipper.counters).toMatchObject({ dropped: 2, buffered: 0 });
    expect(shipper.size).toBe(0);
    expect(waits).toEqual([]);
  });

  it('shipRecord with an analytics node buffers the record for the next flush', () => {
    const shipper = new LogShipper({ batchSize: 10, maxAgeMs: 60_000, bufferLimit: 100 });
    const waits: Promise<unknown>[] = [];
    shipRecord(shipper, { ANALYTICS_URL: 'http://127.0.0.1:9', INTERNAL_SECRET: 's' }, record(1), (promise) => waits.push(promise));
    expect(shipper.size).toBe(1);
    expect(shipper.counters.dropped).toBe(0);
    expect(waits).toHaveLength(1); // the age timer
  });

  it('reports its losses with the next batch the node accepts, each once', async () => {
    const shipper = new LogShipper({ batchSize: 100, maxAgeMs: 60_000, bufferLimit: 2 });
    const heard: ShipperLosses[] = [];
    let fail = true;
    const send = async (_records: LogRecord[], losses: ShipperLosses) => {
      heard.push(losses);
      if (fail) throw new Error('node down');
    };
    for (let i = 1; i <= 5; i++) shipper.enqueue(record(i), send, () => {}); // 3 dropped by the limit
    await shipper.flush(send); // fails: not acknowledged
    fail = false;
    await new Promise((resolve) => setTimeout(resolve, 300)); // past the first back-off
    await shipper.flush(send);
    shipper.enqueue(record(6), send, () => {});
    await shipper.flush(send);
    expect(heard).toEqual([
      { dropped: 3, failed_batches: 0 },
      { dropped: 3, failed_batches: 1 },
      { dropped: 0, failed_batches: 0 },
    ]);
  });

  it('formats losses so the analytics node reads them back', () => {
    expect(parseWorkerLosses(formatLosses({ dropped: 12, failed_batches: 3 }))).toEqual({ dropped: 12, failed_batches: 3 });
    expect(parseWorkerLosses('dropped=1;failed_batches=2;x=3')).toBeNull();
  });
});
