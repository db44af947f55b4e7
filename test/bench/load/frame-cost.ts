// workerd's CPU per streamed frame, A/B in one run (docs/perf-notes-streams.md, "Per-frame
// cost"): each variant of the worker runs in its own workerd with a 1-frame and a 20-frame
// held upstream behind two channels; rounds interleave variant × frame count, and workerd's
// utime + stime (/proc) is read around each batch. (20-frame − 1-frame) ÷ 19 is the CPU of one
// frame, what is left of the 1-frame figure the CPU of a request. Variant `tree` is the
// working tree; `--base=<dir>` adds variant `base`: the tree with every file under <dir>
// (paths relative to the repository, e.g. a saved worker/pipeline/stream.ts) swapped in.
// `npx tsx test/bench/load/frame-cost.ts [--streams=500] [--rate=100] [--rounds=2] [--base=/tmp/orig] [--variant=name=/tmp/dir]…`
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuSeconds, killAll, runToResult, startProcess, type Started } from '../lib/processes';
import { ROOT, tempDir } from '../lib/contenders';
import { BENCH_KEY } from '../contenders/bench-fleet';
import { bundleVariant, overridesFrom } from './variant-bundle';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('streams', '500'));
const ratePerS = Number(arg('rate', '100'));
const rounds = Number(arg('rounds', '2'));
const baseDir = arg('base', '');
/** `--variant=<name>=<dir>` (repeatable): more variants like `base`, each with its own files swapped in. */
const extraVariants = process.argv.filter((a) => a.startsWith('--variant=')).map((a) => a.slice('--variant='.length).split('='));
const FRAME_COUNTS = [1, 20];
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const log = (line: string) => process.stderr.write(`[frame-cost] ${line}\n`);

async function heldStreams(url: string, frames: number) {
  return runToResult('stream-client', TSX, [
    path.join(ROOT, 'test/bench/load/stream-client.ts'),
    JSON.stringify({ url, headers: { authorization: `Bearer ${BENCH_KEY}` }, model: `held-${frames}`, count, ratePerS, timeoutMs: 60_000, frames }),
  ], undefined, (count / ratePerS) * 1000 + 120_000);
}

const tmp = tempDir();
const started: Started[] = [];
try {
  const upstreams: Record<string, string> = {};
  for (const frames of FRAME_COUNTS) {
    const upstream = await startProcess({ name: `held-upstream-${frames}`, command: TSX, args: [path.join(ROOT, 'test/bench/load/held-upstream.ts'), `--frames=${frames}`, '--interval-ms=500'] });
    started.push(upstream);
    upstreams[frames] = upstream.ready.url as string;
  }
  const variants: Array<{ name: string; overrides: Map<string, string> }> = [{ name: 'tree', overrides: new Map() }];
  for (const [name, dir] of extraVariants.reverse()) variants.unshift({ name: name!, overrides: overridesFrom(dir!) });
  if (baseDir) variants.unshift({ name: 'base', overrides: overridesFrom(baseDir) });
  const workers: Array<{ name: string; url: string; pid: number }> = [];
  for (const variant of variants) {
    const scriptPath = await bundleVariant(path.join(tmp, variant.name, 'bundle'), variant.overrides);
    const worker = await startProcess({
      name: `switchboard-${variant.name}`,
      command: TSX,
      args: [path.join(ROOT, 'test/bench/load/frame-cost-worker.ts'), JSON.stringify({ scriptPath, dataDir: path.join(tmp, variant.name, 'data'), upstreams })],
      timeoutMs: 60_000,
    });
    started.push(worker);
    workers.push({ name: variant.name, url: `${worker.ready.url}/v1/chat/completions`, pid: worker.measuredPid });
  }
  // Warm every isolate and path (JIT, catalog, D1) before anything is measured.
  for (const worker of workers) for (const frames of FRAME_COUNTS) await heldStreams(worker.url, frames).catch((error) => log(`warm-up: ${error}`));
  const samples: Array<{ variant: string; frames: number; round: number; ms_per_stream: number; clean: number; errors: number; load: number }> = [];
  for (let round = 0; round < rounds; round++) {
    for (const worker of round % 2 === 0 ? workers : [...workers].reverse()) {
      for (const frames of FRAME_COUNTS) {
        const before = cpuSeconds(worker.pid);
        const result = await heldStreams(worker.url, frames);
        const msPerStream = ((cpuSeconds(worker.pid) - before) * 1000) / count;
        const sample = { variant: worker.name, frames, round, ms_per_stream: Number(msPerStream.toFixed(3)), clean: result.clean, errors: result.errorCount, load: Number(os.loadavg()[0]!.toFixed(1)) };
        samples.push(sample);
        log(JSON.stringify(sample));
      }
    }
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const summary = workers.map((worker) => {
    const of = (frames: number) => mean(samples.filter((sample) => sample.variant === worker.name && sample.frames === frames).map((sample) => sample.ms_per_stream));
    const perFrameUs = ((of(20) - of(1)) * 1000) / 19;
    return { variant: worker.name, one_frame_ms: Number(of(1).toFixed(3)), twenty_frames_ms: Number(of(20).toFixed(3)), per_frame_us: Math.round(perFrameUs), per_request_ms: Number((of(1) - perFrameUs / 1000).toFixed(3)) };
  });
  console.log(JSON.stringify({ count, ratePerS, rounds, samples, summary }, null, 1));
} finally {
  for (const process of started.reverse()) await process.stop();
  killAll();
  fs.rmSync(tmp, { recursive: true, force: true });
}
