// The analytics node is down for a minute under steady load, then comes back: the worker keeps
// answering every client (200), keeps the records in its buffer (50,000 per isolate, none
// dropped at this rate) and ships them once the node is back, so DuckDB holds exactly one
// record per attempt. A restarted worker then adds its own records without duplicating any.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyTotals, runLoad, seededRandom, waitUntil, type LoadTotals } from './load';
import { startSoakStack, type ShipperCounters, type SoakStack } from './soak-stack';

const OUTAGE_MS = Number(process.env.SOAK_OUTAGE_S ?? 60) * 1000;
const BUFFER_LIMIT = 50_000;

let stack: SoakStack;
const totals: LoadTotals = emptyTotals();
const random = seededRandom(Number(process.env.SOAK_SEED ?? 6));
const load = (durationMs: number) =>
  runLoad({ workerUrl: stack.workerUrl, model: 'soak-steady', concurrency: 6, durationMs, maxRequests: 40_000, streamShare: 0.3, random }, totals);

async function drained(): Promise<ShipperCounters> {
  let counters = await stack.flushLogs();
  for (let round = 0; round < 30 && counters.buffered > 0; round++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    counters = await stack.flushLogs();
  }
  return counters;
}

describe('analytics node down for a minute under steady load', () => {
  const report: Record<string, number | string> = {};
  const started = Date.now();

  beforeAll(async () => {
    stack = await startSoakStack();
  });

  afterAll(async () => {
    report.duration_s = Math.round((Date.now() - started) / 1000);
    report.flush_failures = stack?.flushFailures.length ?? 0;
    if (stack?.flushFailures.length) console.log(`soak · /internal/flush answered without JSON: ${stack.flushFailures.slice(0, 3).join(' | ')}`);
    console.log(`soak · analytics outage: ${JSON.stringify(report)}`);
    await stack?.stop();
  });

  it('serves every request before, during and after the outage, and loses no record', async () => {
    await load(10_000);
    await stack.stopAnalytics();
    const outageStart = totals.requests;
    // A flush asked for mid-outage (as the cron would): its answer is recorded for the report.
    const midOutageFlush = new Promise((resolve) => setTimeout(resolve, Math.min(5_000, OUTAGE_MS / 2))).then(() => stack.flushLogs());
    await load(OUTAGE_MS);
    await midOutageFlush;
    report.requests_during_outage = totals.requests - outageStart;
    const buffered = (await stack.shipperCounters()).buffered;
    report.buffered_at_restart = buffered;
    await stack.startAnalytics();
    await load(15_000);
    expect(totals.failures, totals.samples.join('\n')).toBe(0);
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThanOrEqual(BUFFER_LIMIT);

    const counters = await drained();
    report.requests = totals.requests;
    report.attempts = totals.attempts;
    report.dropped = counters.dropped;
    report.failed_batches = counters.failed_batches;
    expect(counters.buffered).toBe(0);
    expect(counters.dropped).toBe(0);
    const landed = await waitUntil(async () => (await stack.storedRows()) === totals.attempts, 30_000);
    report.records_after_outage = await stack.storedRows();
    expect(landed, `records ${report.records_after_outage}, attempts ${totals.attempts}`).toBe(true);
  });

  it('a restarted worker adds its records and duplicates none', async () => {
    await drained();
    await stack.restartWorker();
    await load(10_000);
    expect(totals.failures, totals.samples.join('\n')).toBe(0);
    const counters = await drained();
    expect(counters.buffered).toBe(0);
    expect(counters.dropped).toBe(0);
    expect(await waitUntil(async () => (await stack.storedRows()) === totals.attempts, 30_000)).toBe(true);

    await stack.stopAnalytics();
    const records = await stack.countRecords();
    report.requests = totals.requests;
    report.attempts = totals.attempts;
    report.records = records.rows;
    report.distinct_records = records.distinct;
    expect(records.rows).toBe(totals.attempts);
    expect(records.distinct).toBe(records.rows);
  });
});
