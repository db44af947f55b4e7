// A/B of two copies of the router in one process: CPU time per plan (process.cpuUsage, so
// other processes on a shared machine count less than in wall time), blocks interleaved
// A, B, A, B…, best and median block of each kept. How docs/perf-notes-router.md measures a
// change: copy worker/core/routing to a directory before it (rewriting its `../types`
// imports to the real file), make the change, then
//   npx tsx test/routing-sim/bench-plan-ab.ts /tmp/routing-before worker/core/routing
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LiveChannelSignals, Plan, PlanInput } from '../../worker/core/routing/types';
import type { ChannelScore } from '../../worker/core/types';
import { benchInput } from './bench-plan-input';

const BLOCKS = 15;

interface Router {
  plan: (input: PlanInput) => Plan;
  ScoreIndex: new (entries: Iterable<ChannelScore>) => ReadonlyMap<string, ChannelScore>;
  /** The copy's own LiveSignalMap class (its fast path checks instanceof); a plain Map before it existed. */
  LiveMap: new (entries: Iterable<[string, LiveChannelSignals]>) => ReadonlyMap<string, LiveChannelSignals>;
}

async function load(directory: string): Promise<Router> {
  const url = (file: string) => pathToFileURL(path.resolve(directory, file)).href;
  const planModule = (await import(url('plan.ts'))) as { plan: Router['plan'] };
  const indexModule = (await import(url('score-index.ts'))) as { ScoreIndex: Router['ScoreIndex'] };
  const liveModule = existsSync(path.resolve(directory, 'live-signal-map.ts'))
    ? ((await import(url('live-signal-map.ts'))) as { LiveSignalMap: Router['LiveMap'] })
    : undefined;
  return { plan: planModule.plan, ScoreIndex: indexModule.ScoreIndex, LiveMap: liveModule?.LiveSignalMap ?? Map };
}

/** CPU microseconds per plan over one block. */
function block(router: Router, input: PlanInput, iterations: number): number {
  let sink = 0;
  const start = process.cpuUsage();
  for (let index = 0; index < iterations; index++) sink += router.plan(input).attempts.length;
  const used = process.cpuUsage(start);
  if (sink === 0) throw new Error('no attempts');
  return (used.user + used.system) / iterations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const [directoryA, directoryB] = process.argv.slice(2);
if (directoryA === undefined || directoryB === undefined) {
  console.error('usage: npx tsx test/routing-sim/bench-plan-ab.ts <router directory A> <router directory B> [sizes…]');
  process.exit(2);
}
const sizes = process.argv.slice(4).map(Number);
const routers = [await load(directoryA), await load(directoryB)] as const;
const table: Record<string, number | string>[] = [];
for (const count of sizes.length > 0 ? sizes : [10, 100, 1000]) {
  // BENCH_PLAIN_LIVE=1 (below): live signals in a plain Map, what the worker hands over until
  // its LiveSignals keeps its snapshot in a LiveSignalMap: nothing of them can be remembered.
  const plain = benchInput(count);
  // BENCH_CONVERSATION=1: a request continuing a conversation warm on one channel (issue 14's
  // affinity path; a router without it ignores the field).
  const base =
    process.env.BENCH_CONVERSATION === '1'
      ? { ...plain, conversation: { key: 'k', last_channel_id: 'channel-0', last_served_at: plain.now - 30_000, prefix_tokens: 4_000, turn: 3 } }
      : plain;
  // Each copy finds scores and live signals through its own classes (the fast paths check
  // instanceof; another copy's LiveSignalMap would silently take the slow path).
  const plainLive = process.env.BENCH_PLAIN_LIVE === '1';
  const inputs = routers.map((router) => ({
    ...base,
    scores: new router.ScoreIndex(base.scores.values()),
    live: plainLive ? new Map(base.live) : new router.LiveMap(base.live),
  }));
  const iterations = Math.max(500, Math.round(300_000 / count));
  const results: number[][] = [[], []];
  for (let side = 0; side < 2; side++) block(routers[side]!, inputs[side]!, iterations); // warm up
  for (let round = 0; round < BLOCKS; round++) {
    for (let side = 0; side < 2; side++) results[side]!.push(block(routers[side]!, inputs[side]!, iterations));
  }
  const [a, b] = results as [number[], number[]];
  table.push({
    candidates: count,
    'A best µs': round2(Math.min(...a)),
    'B best µs': round2(Math.min(...b)),
    'A median µs': round2(median(a)),
    'B median µs': round2(median(b)),
    'B / A (best)': round2(Math.min(...b) / Math.min(...a)),
  });
}
console.table(table);

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
