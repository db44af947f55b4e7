// Benchmark (not part of npm test): `npx tsx test/bench/bench-ingest.ts [--quick]`.
//  1. ingest rows/s through the real HTTP path (main.ts in its own process on port 0,
//     keep-alive, batches of
//     1,000 / 2,000 / 5,000 records, one and two connections), and the server's CPU time;
//  2. score recompute time, start-up rebuild time and /stats query time with 300k and 3M
//     rows in the window (rows written straight into DuckDB, then a node opened on the file).
// Prints one JSON document.
import { Agent } from 'node:http';
import os from 'node:os';
import type { LogRecord } from '../../worker/core/types';
import { createAnalyticsNode } from '../../analytics-node/app';
import { openLogStore } from '../../analytics-node/log-store';
import { ingestBodySchema } from '../../analytics-node/schemas';
import { TEST_SECRET, makeRecord, temporaryDirectory } from '../../analytics-node/test-support';
import { post, startServerProcess } from './ingest-server';

const quick = process.argv.includes('--quick');
const ingestOnly = process.argv.includes('--ingest-only');
// --profile DIR: the server runs with --cpu-prof and writes its profile into DIR on exit.
const profileDirectory = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;
const CHANNELS = 20;

function optionValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}
const MODELS = 2;

function syntheticRecord(index: number, tsEnd: number): LogRecord {
  const failed = index % 37 === 0;
  const ttft = 80 + ((index * 7919) % 900);
  return makeRecord({
    request_id: `bench-${index.toString(36)}-${(index * 2654435761) % 1e9}`,
    ts_end: tsEnd,
    ts_start: tsEnd - ttft - 1500,
    channel_id: `channel-${index % CHANNELS}`,
    model: `model-${(index >> 5) % MODELS}`,
    key_id: `key-${index % 50}`,
    user_id: `user-${index % 20}`,
    status: failed ? 502 : 200,
    error_class: failed ? 'server' : 'none',
    error_message: failed ? 'upstream answered 502' : '',
    ttft_ms: ttft,
    duration_ms: ttft + 1500,
    input_tokens: 200 + (index % 300),
    output_tokens: 100 + (index % 400),
    price_usd: failed ? 0 : 0.0004,
    cost_usd: 0.0003,
  });
}

async function measureIngest(batchSize: number, connections: number, totalRows: number, startIndex: number) {
  const temporary = temporaryDirectory();
  const server = await startServerProcess(temporary.dbPath, profileDirectory);
  const port = server.port;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });

  const makeBodies = (rows: number, offset: number) => {
    const bodies: string[] = [];
    const base = Date.now();
    for (let start = 0; start < rows; start += batchSize) {
      const records = [];
      for (let index = start; index < Math.min(rows, start + batchSize); index++) {
        records.push(syntheticRecord(offset + index, base + Math.floor(index / 100)));
      }
      bodies.push(JSON.stringify({ records }));
    }
    return bodies;
  };
  const warmup = makeBodies(Math.max(20_000, batchSize * 4), startIndex);
  const measured = makeBodies(totalRows, startIndex + 1_000_000);
  const bytes = measured.reduce((sum, body) => sum + body.length, 0);

  const send = async (bodies: string[]) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < bodies.length) await post(agent, port, bodies[next++]!);
      }),
    );
  };
  await send(warmup);
  const cpuBefore = server.cpuSeconds();
  const threadsBefore = server.threadCpuSeconds();
  const started = performance.now();
  await send(measured);
  const seconds = (performance.now() - started) / 1000;
  const serverCpu = server.cpuSeconds() - cpuBefore;
  // Per-thread CPU per row (µs), busiest first: where the server's time went. Node names
  // every thread `node` (the main thread comes first, thread ids grow in creation order).
  const threadsAfter = server.threadCpuSeconds();
  const perThread: Record<string, number> = {};
  Object.entries(threadsAfter).forEach(([key, after], index) => {
    perThread[index === 0 ? 'main' : `${key.slice(0, key.lastIndexOf('#'))} ${index}`] = after - (threadsBefore[key] ?? 0);
  });

  agent.destroy();
  await server.stop();
  temporary.remove();
  return {
    batch_size: batchSize,
    connections,
    rows: totalRows,
    seconds: round(seconds, 3),
    rows_per_s: Math.round(totalRows / seconds),
    mb_per_s: round(bytes / 1e6 / seconds, 1),
    server_cpu_s: round(serverCpu, 2),
    rows_per_server_cpu_s: Math.round(totalRows / serverCpu),
    server_cpu_us_per_row_by_thread: Object.fromEntries(
      Object.entries(perThread)
        .filter(([, used]) => used > 0)
        .sort(([, a], [, b]) => b - a)
        .map(([name, used]) => [name, round((used * 1e6) / totalRows, 2)]),
    ),
  };
}

/** Where the server-side time of one batch goes, in process (no HTTP). */
function measureParse(batchSize: number) {
  const body = JSON.stringify({ records: Array.from({ length: batchSize }, (_, index) => syntheticRecord(index, Date.now())) });
  const rounds = 30;
  let parse = 0;
  let validate = 0;
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    const json = JSON.parse(body);
    const t1 = performance.now();
    ingestBodySchema.parse(json);
    parse += t1 - t0;
    validate += performance.now() - t1;
  }
  return {
    batch_size: batchSize,
    json_parse_us_per_row: round((parse / rounds / batchSize) * 1000, 2),
    zod_us_per_row: round((validate / rounds / batchSize) * 1000, 2),
  };
}

/** Fill a file with `rows` attempts spread over the last 290 s, straight through SQL. */
async function fillWindow(dbPath: string, rows: number, nowMs: number): Promise<void> {
  const store = await openLogStore(dbPath);
  await store.close();
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  await connection.run(`
    INSERT INTO log SELECT
      'fill-' || i, 1, ts - 2000, ts, 'key-' || (i % 50), 'user-' || (i % 20), 'default',
      'model-' || ((i // 32) % ${MODELS}), 'channel-' || (i % ${CHANNELS}), 'model-' || ((i // 32) % ${MODELS}),
      'openai', 'openai', true,
      CASE WHEN i % 37 = 0 THEN 502 ELSE 200 END,
      CASE WHEN i % 37 = 0 THEN 'server' ELSE 'none' END, '',
      80 + (i * 7919) % 900, 80 + (i * 7919) % 900 + 1500,
      200 + i % 300, 100 + i % 400, 0, 0, false, 0.0003,
      CASE WHEN i % 37 = 0 THEN 0 ELSE 0.0004 END, true, 0, 0,
      NULL, NULL, NULL -- conversation, cache_state, hedge
    FROM (SELECT i, ${nowMs - 290_000} + (i * 290000 // ${rows}) AS ts FROM range(${rows}) t(i))`);
  await connection.run('CHECKPOINT');
  connection.closeSync();
  instance.closeSync();
}

async function measureRecompute(rows: number) {
  const temporary = temporaryDirectory();
  const nowMs = Date.now();
  const fillStarted = performance.now();
  await fillWindow(temporary.dbPath, rows, nowMs);
  const fillSeconds = (performance.now() - fillStarted) / 1000;

  const openStarted = performance.now();
  const node = await createAnalyticsNode({ dbPath: temporary.dbPath, internalSecret: TEST_SECRET });
  const rebuildMs = performance.now() - openStarted;

  const recompute: number[] = [];
  let samples = 0;
  for (let round = 0; round < 25; round++) {
    const started = performance.now();
    const table = await node.recomputeScores();
    recompute.push(performance.now() - started);
    samples = table.entries.reduce((sum, entry) => sum + entry.samples, 0);
  }
  const stats: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    const response = await node.app.request('/stats?window=300');
    await response.json();
    stats.push(performance.now() - started);
  }
  await node.stop();
  temporary.remove();
  return {
    rows_in_window: rows,
    samples_in_table: samples,
    pairs: CHANNELS * MODELS,
    fill_s: round(fillSeconds, 1),
    startup_rebuild_ms: Math.round(rebuildMs),
    recompute_ms_median: round(median(recompute), 3),
    recompute_ms_max: round(Math.max(...recompute), 3),
    stats_query_ms_median: round(median(stats), 1),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

// --rows N: rows per measured round; --only BATCHxCONNECTIONS[,…]: just those configurations
// (e.g. `--only 5000x2` while profiling); --rounds N overrides the round count.
const rowsOption = optionValue('--rows');
const onlyOption = optionValue('--only');
const roundsOption = optionValue('--rounds');
const ingestRows = rowsOption !== undefined ? Number(rowsOption) : quick ? 50_000 : 150_000;
const allConfigurations: ReadonlyArray<readonly [number, number]> = [
  [1000, 1],
  [2000, 1],
  [5000, 1],
  [2000, 2],
  // The worker ships from many isolates at once: concurrent batches are grouped by the writer.
  [5000, 2],
];
const configurations =
  onlyOption === undefined
    ? allConfigurations
    : onlyOption.split(',').map((entry) => entry.split('x').map(Number) as unknown as readonly [number, number]);
const rounds = roundsOption !== undefined ? Number(roundsOption) : quick ? 1 : 3;
const runs: Awaited<ReturnType<typeof measureIngest>>[][] = configurations.map(() => []);
let offset = 0;
// Interleaved rounds: the machine is shared, so each configuration sees the same noise.
for (let round = 0; round < rounds; round++) {
  for (const [index, [batchSize, connections]] of configurations.entries()) {
    runs[index]!.push(await measureIngest(batchSize, connections, ingestRows, (offset += 10_000_000)));
  }
}
const ingest = runs.map((results) => ({
  batch_size: results[0]!.batch_size,
  connections: results[0]!.connections,
  rows_per_round: ingestRows,
  rounds: results.length,
  rows_per_s_median: median(results.map((result) => result.rows_per_s)),
  rows_per_s_best: Math.max(...results.map((result) => result.rows_per_s)),
  rows_per_server_cpu_s_median: median(results.map((result) => result.rows_per_server_cpu_s)),
  mb_per_s_median: median(results.map((result) => result.mb_per_s)),
  server_cpu_us_per_row_by_thread: results[results.length - 1]!.server_cpu_us_per_row_by_thread,
}));
const recompute = [];
for (const rows of ingestOnly ? [] : quick ? [300_000] : [300_000, 3_000_000]) recompute.push(await measureRecompute(rows));

console.log(
  JSON.stringify(
    {
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        node: process.version,
        load_average: os.loadavg().map((load) => round(load, 2)),
        date: new Date().toISOString(),
      },
      command: `npx tsx test/bench/bench-ingest.ts${quick ? ' --quick' : ''}`,
      ingest,
      server_side_per_row: [measureParse(2000)],
      recompute,
    },
    null,
    2,
  ),
);
