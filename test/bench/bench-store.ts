// Benchmark (not part of npm test): `npx tsx test/bench/bench-store.ts [--ingest N] [--window N]`.
// Compares the log stores on this machine through the LogStore API:
//  1. ingest rows/s: N records (default 100k) appended in batches of 1,000 (the shipper's
//     size × 5), each batch a new id, as /ingest bodies (parse, check, dedupe, store);
//  2. score recompute: windowStats over a 5-minute window holding N rows (default 1M).
// Prints a table and one JSON document.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LogRecord } from '../../worker/core/types';
import { openLogStore } from '../../analytics-node/log-store';
import { makeRecord } from '../../analytics-node/test-support';

const argument = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const INGEST_ROWS = argument('--ingest', 100_000);
const WINDOW_ROWS = argument('--window', 1_000_000);
const BATCH = 1_000;
const NOW = 1_800_000_000_000;

function record(index: number, tsEnd: number): LogRecord {
  const failed = index % 37 === 0;
  const ttft = 80 + ((index * 7919) % 900);
  return makeRecord({
    request_id: `bench-${index.toString(36)}-${(index * 2654435761) % 1e9}`,
    ts_end: tsEnd,
    ts_start: tsEnd - ttft - 1500,
    channel_id: `channel-${index % 20}`,
    model: `model-${(index >> 5) % 2}`,
    key_id: `key-${index % 50}`,
    user_id: `user-${index % 20}`,
    status: failed ? 502 : 200,
    error_class: failed ? 'server' : 'none',
    ttft_ms: failed ? null : ttft,
    duration_ms: ttft + 1500,
    cached_input_tokens: index % 3 === 0 ? 64 : 0,
    cache_state: index % 2 === 0 ? 'warm' : 'cold',
    conversation: `conversation-${index % 5000}`,
  });
}

function bodies(count: number, offset: number, spanMs: number): string[] {
  const result: string[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const records = [];
    for (let index = start; index < Math.min(count, start + BATCH); index++) records.push(record(offset + index, NOW - spanMs + Math.floor((index / count) * spanMs)));
    result.push(JSON.stringify({ records }));
  }
  return result;
}

async function measure(engine: 'duckdb' | 'chdb', folder: string) {
  const store = await openLogStore(engine === 'duckdb' ? `duckdb:${path.join(folder, 'bench.duckdb')}` : `chdb:${path.join(folder, 'chdb')}?database=bench`);
  try {
    const ingestBodies = bodies(INGEST_ROWS, 0, 290_000);
    let started = performance.now();
    for (const body of ingestBodies) await store.ingestBody(body);
    const ingestMs = performance.now() - started;
    // Fill the window up to WINDOW_ROWS (not timed), then time the recompute.
    for (const body of bodies(Math.max(0, WINDOW_ROWS - INGEST_ROWS), INGEST_ROWS, 290_000)) await store.ingestBody(body);
    await store.flush();
    const timings: number[] = [];
    let pairs = 0;
    for (let run = 0; run < 5; run++) {
      started = performance.now();
      pairs = (await store.windowStats(NOW - 300_000, NOW + 1)).length;
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    return { engine, ingest_rows: INGEST_ROWS, ingest_rows_per_s: Math.round(INGEST_ROWS / (ingestMs / 1000)), window_rows: Math.max(WINDOW_ROWS, INGEST_ROWS), pairs, window_stats_ms_median: Math.round(timings[2]!), window_stats_ms_min: Math.round(timings[0]!) };
  } finally {
    await store.close();
  }
}

const folder = mkdtempSync(path.join(tmpdir(), 'bench-store-'));
try {
  const results = [];
  for (const engine of ['duckdb', 'chdb'] as const) results.push(await measure(engine, folder));
  console.log('store   ingest rows/s   windowStats (ms, median of 5)   rows in window');
  for (const row of results) console.log(`${row.engine.padEnd(7)} ${String(row.ingest_rows_per_s).padStart(13)}   ${String(row.window_stats_ms_median).padStart(29)}   ${row.window_rows}`);
  console.log(JSON.stringify({ bench: 'store', results }, null, 2));
} finally {
  rmSync(folder, { recursive: true, force: true });
}
