// CPU profile of workerd while it streams held frames (docs/perf-notes-streams.md, "Per-frame
// cost"): Switchboard from the working tree (or --base=<dir>, as in load/frame-cost.ts) with
// a 20-frame held upstream behind it, the inspector's sampling profiler on for one batch of
// held streams, self time summed per function. Native work shows as "(program)" or the
// native function's name; our JS by name and bundle module. Engineer C's profile-worker.ts
// does the same for non-streaming requests; this is a separate copy so neither changes under
// the other. `npx tsx test/bench/profile-stream.ts [--streams=500] [--rate=100] [--base=/tmp/orig]`
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/stack';
import { cpuSeconds, killAll, runToResult, startProcess, type Started } from './lib/processes';
import { ROOT, tempDir } from './lib/contenders';
import { BENCH_KEY } from './contenders/bench-fleet';
import { bundleVariant, overridesFrom } from './load/variant-bundle';

const require = createRequire(import.meta.url);
interface Socket {
  once(event: 'open' | 'error', listener: (value?: unknown) => void): void;
  on(event: 'message', listener: (data: unknown) => void): void;
  send(text: string): void;
  close(): void;
}
const WebSocket = require('ws') as new (url: string) => Socket;
interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const count = Number(arg('streams', '500'));
const ratePerS = Number(arg('rate', '100'));
const baseDir = arg('base', '');
const FRAMES = 20;
const SAMPLE_INTERVAL_US = 200;
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

/** Line → module of the bundle, from esbuild's `// path/to/module.ts` headers. */
function moduleIndex(bundlePath: string): (line: number) => string {
  const starts: Array<{ line: number; module: string }> = [];
  fs.readFileSync(bundlePath, 'utf8').split('\n').forEach((text, line) => {
    const match = /^\/\/ (?:\S*?\/)?((?:node_modules|worker)\/\S+\.(?:ts|js|mjs|cjs))$/.exec(text);
    if (match) starts.push({ line, module: match[1]! });
  });
  return (line) => starts.findLast((start) => start.line <= line)?.module ?? '';
}

const heldStreams = (url: string) =>
  runToResult('stream-client', TSX, [
    path.join(ROOT, 'test/bench/load/stream-client.ts'),
    JSON.stringify({ url, headers: { authorization: `Bearer ${BENCH_KEY}` }, model: `held-${FRAMES}`, count, ratePerS, timeoutMs: 60_000, frames: FRAMES }),
  ], undefined, (count / ratePerS) * 1000 + 120_000);

const tmp = tempDir();
const started: Started[] = [];
try {
  const upstream = await startProcess({ name: 'held-upstream', command: TSX, args: [path.join(ROOT, 'test/bench/load/held-upstream.ts'), `--frames=${FRAMES}`, '--interval-ms=500'] });
  started.push(upstream);
  const scriptPath = await bundleVariant(path.join(tmp, 'bundle'), baseDir ? overridesFrom(baseDir) : new Map());
  const inspectorPort = await freePort('127.0.0.1');
  const worker = await startProcess({
    name: 'switchboard',
    command: TSX,
    args: [path.join(ROOT, 'test/bench/load/frame-cost-worker.ts'), JSON.stringify({ scriptPath, dataDir: path.join(tmp, 'data'), upstreams: { [FRAMES]: upstream.ready.url }, inspectorPort })],
    timeoutMs: 60_000,
  });
  started.push(worker);
  const url = `${worker.ready.url}/v1/chat/completions`;
  await heldStreams(url); // warm-up
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ id: string; title: string; webSocketDebuggerUrl?: string }>;
  const target = targets.find((entry) => !/internal|entry|loopback/i.test(entry.title)) ?? targets[0]!;
  const socket = new WebSocket(target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${inspectorPort}/${target.id}`);
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  let nextId = 1;
  const waiting = new Map<number, (result: any) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    waiting.get(message.id)?.(message.result);
  });
  const call = (method: string, params: object = {}) => new Promise<any>((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: SAMPLE_INTERVAL_US });
  const loadAverage = os.loadavg()[0]!.toFixed(1);
  const cpuBefore = cpuSeconds(worker.measuredPid);
  await call('Profiler.start');
  const result = await heldStreams(url);
  const { profile } = (await call('Profiler.stop')) as { profile: Profile };
  const cpuMs = (cpuSeconds(worker.measuredPid) - cpuBefore) * 1000;
  socket.close();
  const moduleAt = moduleIndex(scriptPath);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((sample) => {
    const { functionName, url: source, lineNumber } = byId.get(sample)!.callFrame;
    const where = source === '' ? 'native' : source.endsWith('index.js') ? moduleAt(lineNumber) : source;
    const key = `${functionName || '(anonymous)'} [${where}]`;
    // Counted in samples, not timeDeltas: workerd takes no sample while the isolate waits for
    // I/O, so the delta before the first sample after a wait holds the whole wait, and would
    // charge it to whatever resumes (sse-reader's read). Samples × interval is CPU time.
    self.set(key, (self.get(key) ?? 0) + SAMPLE_INTERVAL_US);
  });
  const busy = [...self.entries()].filter(([key]) => !key.startsWith('(idle)')).reduce((sum, [, us]) => sum + us, 0);
  const outFile = path.join(os.tmpdir(), `profile-stream-${Date.now()}.cpuprofile`);
  fs.writeFileSync(outFile, JSON.stringify(profile));
  console.log(`${count} streams of ${FRAMES} frames (${result.clean} clean), load average ${loadAverage}; workerd ${(cpuMs / count).toFixed(2)} ms CPU per stream (profiled); samples × interval (non-idle) ${(busy / 1000).toFixed(0)} ms; raw profile ${outFile}`);
  for (const [key, us] of [...self.entries()].filter(([name]) => !name.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 35)) {
    console.log(`${((us / busy) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(5)} ms  ${key}`);
  }
} finally {
  for (const process of started.reverse()) await process.stop();
  killAll();
  fs.rmSync(tmp, { recursive: true, force: true });
}
