// Where a held stream's memory goes: N held streams (the held upstream, held-upstream.ts: 20
// numbered chunks 500 ms apart) through one contender, and while they are all open, the resident memory of
// every process involved (workerd, Miniflare's Node parent, the simulator or held upstream, the load client)
// and the worker isolate's V8 heap through workerd's inspector, with the heap snapshot's
// growth summed per constructor. Each figure is (held − before) ÷ streams held.
// `npx tsx test/bench/load/stream-memory.ts [--streams=1000] [--rate=250] [--contender=switchboard]`
// [--framing=chunked|length] (contender: switchboard or miniflare-passthrough; framing: the
// held upstream's body). Prints a JSON report.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { rssBytes, descendantsOf, commandName, freePortSync, killAll } from '../lib/processes';
import { ROOT, startContender, startSimulatorProcess, stopAll, tempDir, type ContenderName } from '../lib/contenders';
import { heapByConstructor, type HeapCounts } from './heap-snapshot';
import { FRAMES, heldUrl, startHeldUpstream } from './held-target';

const require = createRequire(import.meta.url);
const WebSocket = require('ws') as new (url: string) => {
  once(event: string, listener: (value?: unknown) => void): void;
  on(event: 'message', listener: (data: unknown) => void): void;
  send(text: string): void;
  close(): void;
};

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const streams = Number(arg('streams', '1000'));
const rate = Number(arg('rate', '250'));
const contender = arg('contender', 'switchboard') as ContenderName;
const framing = arg('framing', 'chunked') as 'chunked' | 'length';

const step = (text: string) => process.stderr.write(`[stream-memory] ${text}\n`);
const tmp = tempDir();
const inspectorPort = await freePortSync();
process.env.BENCH_INSPECTOR_PORT = String(inspectorPort);
const sim = await startSimulatorProcess();
const upstream = await startHeldUpstream(framing);
step('simulator and held upstream up');
// Switchboard keeps the simulator (its config names it) and has its slow channel pointed at the
// held upstream; a passthrough is started with the held upstream as its upstream.
const upstreamOfContender = contender === 'switchboard' ? sim : { url: upstream.url, port: Number(new URL(upstream.url).port), process: upstream.process };
const target = await startContender(contender, upstreamOfContender, { tmp });
step(`${contender} up`);
if ('skipped' in target) throw new Error(target.skipped);

/** One DevTools-protocol session on the worker's isolate (not Miniflare's own workers). */
async function inspect() {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ id: string; title: string; webSocketDebuggerUrl?: string }>;
  const chosen = targets.find((entry) => !/internal|entry|loopback|wrapper|strip/i.test(entry.title)) ?? targets[0]!;
  const socket = new WebSocket(chosen.webSocketDebuggerUrl ?? `ws://127.0.0.1:${inspectorPort}/${chosen.id}`);
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  let nextId = 1;
  const waiting = new Map<number, (result: any) => void>();
  let chunks: string[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(message.params.chunk);
    else if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  // workerd's inspector leaves some methods unanswered: give each call 60 s, then null.
  const call = (method: string, params: object = {}) =>
    new Promise<any>((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        step(`${method}: no answer`);
        resolve(null);
      }, 60_000);
      waiting.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    title: chosen.title,
    async heap(): Promise<{ used: number; total: number }> {
      const usage = await call('Runtime.getHeapUsage');
      return { used: usage?.usedSize ?? NaN, total: usage?.totalSize ?? NaN };
    },
    async snapshot(): Promise<HeapCounts> {
      chunks = [];
      await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      return chunks.length === 0 ? {} : heapByConstructor(JSON.parse(chunks.join('')));
    },
    close: () => socket.close(),
  };
}

const processes = () => {
  const workerd = target.pid!;
  const parent = target.process!.child.pid!;
  return {
    workerd: rssBytes(workerd),
    // tsx's launcher and the Node process running Miniflare (and, for Switchboard, the analytics node).
    miniflare_node: descendantsOf(parent).filter((pid) => commandName(pid) !== 'workerd').reduce((sum, pid) => sum + ownRss(pid), 0),
    simulator: rssBytes(sim.process.child.pid!),
    held_upstream: rssBytes(upstream.process.child.pid!),
  };
};
/** One process's resident set, without its children's. */
function ownRss(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

try {
  // Warm-up, then the isolate's state before any stream is held.
  for (let i = 0; i < 100; i++) {
    const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, body: JSON.stringify({ model: target.model(false), stream: true, messages: [{ role: 'user', content: `warm ${i}` }] }) });
    await response.arrayBuffer();
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  step('warm');
  const session = await inspect();
  step(`inspecting ${session.title}`);
  const heapBefore = await session.heap();
  const snapshotBefore = await session.snapshot();
  const before = processes();
  step('baseline taken');

  const url = await heldUrl(target, upstream);
  const clientArgs = JSON.stringify({ url, headers: target.headers, model: target.model(true), count: streams, ratePerS: rate, timeoutMs: 60_000, frames: FRAMES });
  const { spawn } = await import('node:child_process');
  const client = spawn('bash', ['-c', `ulimit -n 65535; exec ${path.join(ROOT, 'node_modules/.bin/tsx')} ${path.join(ROOT, 'test/bench/load/stream-client.ts')} '${clientArgs}'`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  client.stdout.on('data', (chunk: Buffer) => (output += chunk));
  // Every stream is open from streams/rate s until 10 s after the first opened: sample in between.
  await new Promise((resolve) => setTimeout(resolve, (streams / rate) * 1000 + 1500));
  const held = processes();
  const clientHeld = rssBytes(client.pid!);
  const heapHeld = await session.heap();
  const snapshotHeld = await session.snapshot();
  step('held sample taken');
  await new Promise((resolve) => client.once('exit', resolve));
  const result = JSON.parse(/^RESULT (.*)$/m.exec(output)?.[1] ?? '{}');
  const perStream = (bytes: number) => Math.round((bytes / streams / 1024) * 10) / 10;
  const growth = Object.entries(snapshotHeld)
    .map(([name, size]) => [name, size - (snapshotBefore[name] ?? 0)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([name, size]) => ({ name, kb_per_stream: perStream(size) }));
  session.close();
  console.log(JSON.stringify({
    contender,
    upstream_framing: framing,
    runtime: target.runtime,
    streams,
    rate,
    inspected_isolate: session.title,
    errors: result.errors,
    clean: result.clean,
    lost_frames: result.lostFrames,
    max_open: result.maxOpen,
    kb_per_stream: {
      workerd_rss: perStream(held.workerd - before.workerd),
      miniflare_node_rss: perStream(held.miniflare_node - before.miniflare_node),
      simulator_rss: perStream(held.simulator - before.simulator),
      held_upstream_rss: perStream(held.held_upstream - before.held_upstream),
      load_client_rss_total: perStream(clientHeld),
      isolate_v8_heap_used: perStream(heapHeld.used - heapBefore.used),
    },
    isolate_heap_mb: { before: Math.round(heapBefore.used / 2 ** 20), held: Math.round(heapHeld.used / 2 ** 20) },
    heap_growth_by_constructor: growth,
  }, null, 1));
} finally {
  await stopAll([target, sim, upstream]);
  killAll();
}
