// The low-rate tail bench (issue 11, BENCHMARKS.md §2): Switchboard's added p99 at 100 req/s
// was +36–45 ms while one connection's was +4 ms, i.e. a few requests a second stall. This
// drives fixed rates open-loop for tens of seconds, keeps every request, and prints where the
// slow ones fall in time (modulo 1 s / 5 s / 10 s, and the period they cluster at most).
//
//   npx tsx test/bench/bench-tail.ts [--rates=100,250] [--duration=30] [--passes=2]
//       [--variants=current,baseline] [--pin] [--trace] [--json=OUT]
//
// Variants: `current` is the worker as in the tree ("fix on"); `baseline` is a copy of the
// tree with the tail fixes undone by exact patches (bench-tail-bundle.ts TAIL_FIXES_OFF), so
// an A/B differs in exactly those lines. --pin puts workerd alone on CPU 1 and everything else
// (simulator, client, analytics node, Miniflare's Node process) on CPU 0. `current-discard` and `current-none` are the tree with
// its log records shipped to a server that discards them, or not shipped at all: they tell the
// worker's own shipping cost from the analytics node's ingest competing for the shared cores. --trace sets TAIL_TRACE=1 and lines the slow
// requests up with the isolate's traced waits (worker/logs/wait-trace.ts).
// Each variant gets a fresh stack (bench-tail-stack.ts: simulator in its own process, the
// analytics node and Miniflare's workerd on the direct socket, as `npm start`), and every
// step is preceded by the same rate straight to the simulator: added = variant − direct of
// the same pass. Passes alternate the variants' order. The machine is shared: read the shape
// and the A/B difference, not one absolute number.
import fs from 'node:fs';
import path from 'node:path';
import { pin, runToResult, startProcess } from './lib/processes';
import { directTarget, ROOT, startSimulatorProcess, stopAll, tempDir } from './lib/contenders';
import { BENCH_KEY } from './contenders/bench-fleet';
import { bundleCurrent, bundlePatched, TAIL_FIXES_OFF } from './bench-tail-bundle';
import { analyseTail, parseWaitTrace, summariseWaits, tailQuantiles, type TailReport, type WaitSummary } from './bench-tail-analysis';
import type { TailClientResult } from './bench-tail-client';

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const argument = (name: string, fallback: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const rates = argument('rates', '100,250').split(',').map(Number);
const durationS = Number(argument('duration', '30'));
const passes = Number(argument('passes', '2'));
const variants = argument('variants', 'current,baseline').split(',');
const pinned = process.argv.includes('--pin');
const jsonOut = argument('json', '');
const trace = process.argv.includes('--trace');

const tmp = tempDir();
const log = (line: string) => process.stdout.write(`${line}\n`);
const body = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'Say something short about gateways.' }] });

async function drive(url: string, headers: Record<string, string>, model: string, rate: number): Promise<TailClientResult> {
  const options = { url, headers, body: body(model), rate, durationS, connections: 64, warmupS: 3 };
  return (await runToResult('bench-tail-client', TSX, [path.join(ROOT, 'test/bench/bench-tail-client.ts'), JSON.stringify(options)], pinned ? '0' : undefined)) as unknown as TailClientResult;
}

async function bundles(): Promise<Record<string, string>> {
  const scripts: Record<string, string> = {};
  for (const variant of variants) {
    const outDir = path.join(tmp, `bundle-${variant}`);
    if (variant.startsWith('current')) scripts[variant] = await bundleCurrent(outDir);
    else scripts[variant] = await bundlePatched(outDir, TAIL_FIXES_OFF);
  }
  return scripts;
}

interface Row {
  variant: string;
  pass: number;
  rate: number;
  direct: ReturnType<typeof tailQuantiles>;
  added: { p50: number; p99: number; p999: number };
  report: TailReport;
  /** Every request as [ms since the first, latency ms, status] (for plots and later analysis). */
  samples: Array<[number, number, number]>;
  waits: WaitSummary[];
}

async function main(): Promise<void> {
  const scripts = await bundles();
  const simulator = await startSimulatorProcess(pinned ? '0' : undefined);
  const direct = directTarget(simulator);
  const rows: Row[] = [];
  try {
    for (let pass = 0; pass < passes; pass++) {
      const order = pass % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const outputFile = path.join(tmp, `worker-output-${variant}-${pass}.log`);
        const stack = await startProcess({
          name: `switchboard-${variant}`,
          command: TSX,
          args: [path.join(ROOT, 'test/bench/bench-tail-stack.ts'), JSON.stringify({ simUrl: simulator.url, dataDir: path.join(tmp, `stack-${variant}-${pass}`), scriptPath: scripts[variant], bindings: trace ? { TAIL_TRACE: '1' } : {}, logSink: logSinkOf(variant), ...(trace ? { outputFile } : {}) })],
          timeoutMs: 90_000,
        });
        if (pinned) {
          // Everything of the stack but workerd (the analytics node, Miniflare's Node process)
          // shares CPU 0 with the simulator and the client; workerd has CPU 1 to itself.
          if (stack.child.pid !== undefined) pin(stack.child.pid, '0');
          pin(stack.measuredPid, '1');
        }
        try {
          for (const rate of rates) {
            const reference = await drive(direct.url, {}, 'gpt-sim', rate);
            const referenceLatency = tailQuantiles(reference.samples.map((sample) => sample.latency_ms));
            const result = await drive(`${stack.ready.url}/v1/chat/completions`, { authorization: `Bearer ${BENCH_KEY}` }, 'bench-zero', rate);
            const report = analyseTail(result.samples, referenceLatency.p99);
            const added = { p50: round2(report.latency.p50 - referenceLatency.p50), p99: round2(report.latency.p99 - referenceLatency.p99), p999: round2(report.latency.p999 - referenceLatency.p999) };
            const origin = result.samples[0]?.at ?? 0;
            const samples = result.samples.map((sample): [number, number, number] => [Math.round(sample.at - origin), round2(sample.latency_ms), sample.status]);
            const waits = trace && fs.existsSync(outputFile) ? summariseWaits(parseWaitTrace(fs.readFileSync(outputFile, 'utf8')), result.samples, report.slow.threshold_ms) : [];
            rows.push({ variant, pass, rate, direct: referenceLatency, added, report, samples, waits });
            printRow(variant, pass, rate, referenceLatency, added, report, result);
            for (const wait of waits) log(`  wait ${wait.kind.padEnd(14)} ${String(wait.count).padStart(5)}× mean ${wait.mean_ms} p99 ${wait.p99_ms} max ${wait.max_ms} ms; overlapped by ${(wait.slow_overlap * 100).toFixed(1)} % of slow requests, ${(wait.all_overlap * 100).toFixed(1)} % of all`);
          }
        } finally {
          await stack.stop();
        }
      }
    }
  } finally {
    await stopAll([simulator]);
  }
  summarise(rows);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ at: new Date().toISOString(), rates, durationS, passes, variants, rows }, null, 1));
  fs.rmSync(tmp, { recursive: true, force: true });
}

function printRow(variant: string, pass: number, rate: number, reference: ReturnType<typeof tailQuantiles>, added: Row['added'], report: TailReport, result: TailClientResult): void {
  const latency = report.latency;
  log(`\n${variant} pass ${pass} @ ${rate}/s: ${latency.n} ok, ${result.errors} errors, ${result.achieved_rps.toFixed(1)} req/s`);
  log(`  direct  p50 ${reference.p50} p99 ${reference.p99} p99.9 ${reference.p999} max ${reference.max}`);
  log(`  gateway p50 ${latency.p50} p99 ${latency.p99} p99.9 ${latency.p999} max ${latency.max}   added p50 ${added.p50} p99 ${added.p99} p99.9 ${added.p999}`);
  log(`  slow (> ${report.slow.threshold_ms} ms): ${report.slow.count} (${(report.slow.share * 100).toFixed(2)} %) at s ${report.slow.seconds.slice(0, 40).join(' ')}${report.slow.count > 40 ? ' …' : ''}`);
  for (const period of report.periods) log(`  mod ${String(period.period_ms).padStart(5)} ms: concentration ${period.concentration} at ${period.phase_ms} ms  [${period.histogram.join(' ')}]`);
  if (report.strongest) log(`  strongest period ${report.strongest.period_ms} ms: concentration ${report.strongest.concentration} at ${report.strongest.phase_ms} ms [${report.strongest.histogram.join(' ')}]`);
  if (Object.keys(report.phases.all).length > 0) log(`  server phases, all ${JSON.stringify(report.phases.all)} slow ${JSON.stringify(report.phases.slow)}`);
}

function summarise(rows: Row[]): void {
  log('\nadded latency (ms) vs direct of the same pass:');
  log('| variant | rate | pass | p50 | p99 | p99.9 | slow share | strongest period (concentration) |');
  log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const strongest = row.report.strongest ? `${row.report.strongest.period_ms} ms (${row.report.strongest.concentration})` : '—';
    log(`| ${row.variant} | ${row.rate} | ${row.pass} | ${row.added.p50} | ${row.added.p99} | ${row.added.p999} | ${(row.report.slow.share * 100).toFixed(2)} % | ${strongest} |`);
  }
}

/** `current-discard` → 'discard', `current-none` → 'none', anything else ships to the node. */
function logSinkOf(variant: string): 'node' | 'discard' | 'none' {
  const suffix = variant.split('-')[1];
  return suffix === 'discard' || suffix === 'none' ? suffix : 'node';
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

await main();
process.exit(0);
