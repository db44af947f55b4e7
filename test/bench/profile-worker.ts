// CPU profile of the worker's hot path: the local stack with workerd's inspector open, a
// steady load of non-streaming chat requests, and the profile's self time summed per function
// and per area of the code (auth, routing, pipeline, …: the bundle's module of each function).
// Run: npx tsx test/bench/profile-worker.ts [--seconds=10] [--connections=8] [--shape=short|long]
//   short: a one-line chat; long: a ~19k-token chat history (the conversation key's path).
// The main figure is workerd's CPU per request from /proc (utime + stime of the workerd
// process, all isolates and the account objects, ÷ requests), taken in a window with the
// profiler off: wall-clock is noise when other work shares the cores, CPU time much less so.
// Writes the shape's summary into test/bench/results/profile.json and the raw .cpuprofile
// and the bundle under a temporary folder (printed).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { freePort, rewriteSimulatorUrls, ROOT, startStack } from '../../scripts/stack';

// Neither ships types; ws is the DevTools-protocol client (Node 20 has no WebSocket by default).
const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<{ requests: { total: number; average: number }; non2xx: number }>;
interface Socket {
  once(event: 'open' | 'error', listener: (value?: unknown) => void): void;
  on(event: 'message', listener: (data: unknown) => void): void;
  off(event: 'message', listener: (data: unknown) => void): void;
  send(text: string): void;
  close(): void;
}
const WebSocket = require('ws') as new (url: string) => Socket;

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const seconds = Number(option('seconds') ?? 10);
const connections = Number(option('connections') ?? 8);
const shape = option('shape') === 'long' ? 'long' : 'short';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** ~19k tokens (estimate.ts: 4 characters a token): a system prompt and 24 turns of ~3,100 characters. */
function longHistory(): unknown[] {
  const paragraph = 'The quarterly figures moved in line with the forecast, apart from the freight line. ';
  const text = (turn: number) => `Turn ${turn}. ${paragraph.repeat(37)}`;
  const messages: unknown[] = [{ role: 'system', content: `You are a careful analyst. ${paragraph.repeat(10)}` }];
  for (let turn = 0; turn < 24; turn++) messages.push({ role: turn % 2 === 0 ? 'user' : 'assistant', content: text(turn) });
  messages.push({ role: 'user', content: 'Summarise the freight line.' });
  return messages;
}
const requestBody = JSON.stringify({
  model: 'gpt-test',
  messages: shape === 'long' ? longHistory() : [{ role: 'user', content: 'profile me' }],
});

/** workerd's CPU seconds so far: every workerd process this one started (Miniflare spawns one). */
async function workerdCpuSeconds(): Promise<number> {
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  let ticks = 0;
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces): state ppid … utime(14) stime(15).
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (name === 'workerd' && Number(fields[1]) === process.pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
}

/** Line ranges of the bundle's modules, from esbuild's `// path/to/module.ts` headers. */
async function moduleIndex(bundlePath: string): Promise<Array<{ line: number; module: string }>> {
  const lines = (await fs.readFile(bundlePath, 'utf8')).split('\n');
  const starts: Array<{ line: number; module: string }> = [];
  lines.forEach((text, index) => {
    const match = /^\/\/ (?:\S*?\/)?((?:node_modules|worker)\/\S+\.(?:ts|js|mjs|cjs))$/.exec(text);
    if (match) starts.push({ line: index, module: match[1]! });
  });
  return starts;
}

function moduleAt(index: Array<{ line: number; module: string }>, line: number): string {
  let low = 0;
  let high = index.length - 1;
  let found = '';
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (index[middle]!.line <= line) { found = index[middle]!.module; low = middle + 1; } else high = middle - 1;
  }
  return found;
}

const AREAS: Array<[RegExp, string]> = [
  [/^worker\/auth\//, 'auth'],
  [/^worker\/(core\/routing|scores|signals)\//, 'routing'],
  [/^worker\/pipeline\//, 'pipeline'],
  [/^worker\/protocols\//, 'translation'],
  [/^worker\/logs\//, 'logs'],
  [/^worker\/accounts\//, 'lease and account object'],
  [/^worker\/conversation\//, 'conversation'],
  [/^worker\/(catalog|routes|app\.ts|index\.ts|state\.ts|env\.ts|util)/, 'routes, catalog, state'],
  [/^node_modules\/hono\//, 'hono'],
  [/^node_modules\/zod\//, 'zod'],
  [/^worker\//, 'worker, other'],
  [/^node_modules\//, 'libraries, other'],
];
const NATIVE_FETCH = new Set(['fetch', 'connect', 'read', 'write', 'Response', 'Request', 'text', 'arrayBuffer', 'json', 'enqueue', 'close', 'getReader', 'pipeTo']);

function areaOf(module: string, functionName: string): string {
  if (functionName === '(idle)') return 'idle';
  if (module === '') {
    if (functionName === '(garbage collector)') return 'runtime: garbage collector';
    if (functionName === '(program)') return 'runtime: program (outside JS)';
    if (NATIVE_FETCH.has(functionName)) return 'runtime: fetch, streams, Request/Response';
    if (functionName === 'transactionSync' || functionName === 'exec' || functionName === 'one' || functionName === 'toArray') return 'runtime: Durable Object SQLite';
    return 'runtime: other native';
  }
  if (/^(cloudflare|node)-internal:/.test(module)) return 'runtime: built-in JS (D1 client, node timers)';
  return AREAS.find(([pattern]) => pattern.test(module))?.[1] ?? module;
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-profile-'));
const inspectorPort = await freePort();
const config = JSON.parse(await fs.readFile(path.join(ROOT, 'test/e2e/config.json'), 'utf8'));
// ch-b's credential is env:E2E_CHANNEL_B_KEY (as test/e2e/global-setup.ts sets it): without it
// every request routed there logs a missing credential and is retried on ch-a.
process.env.E2E_CHANNEL_B_KEY ??= 'sk-upstream-b-from-env-SECRET';
const stack = await startStack({ dataDir, config, fleetPath: path.join(ROOT, 'test/simulator/fleets/zero.json'), quiet: true, inspectorPort });
try {
  // zero.json has one zero-delay provider per dialect; point gpt-test's channels at the OpenAI one.
  const zeroConfig = rewriteSimulatorUrls(JSON.parse(JSON.stringify(config).replaceAll(/\/e2e-(a|b)"/g, '/zero-openai"')), stack.simUrl);
  await fetch(`${stack.workerUrl}/admin/config`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminKey}` }, body: JSON.stringify(zeroConfig) });
  const headers = { authorization: 'Bearer sk-e2e-main-0001', 'content-type': 'application/json' };
  const probe = await fetch(`${stack.workerUrl}/v1/chat/completions`, { method: 'POST', headers, body: requestBody });
  if (!probe.ok) throw new Error(`probe answered ${probe.status}: ${await probe.text()}`);
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as Array<{ id: string; title: string; webSocketDebuggerUrl: string }>;
  const target = targets.find((entry) => !/internal|entry|loopback/i.test(entry.title)) ?? targets[0]!;
  const socket = new WebSocket(target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${inspectorPort}/${target.id}`);
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  let nextId = 1;
  const call = (method: string, params: object = {}) =>
    new Promise<any>((resolve) => {
      const id = nextId++;
      const onMessage = (data: unknown) => {
        const message = JSON.parse(String(data));
        if (message.id === id) {
          socket.off('message', onMessage);
          resolve(message.result);
        }
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  const load = (duration: number) =>
    autocannon({ url: `${stack.workerUrl}/v1/chat/completions`, method: 'POST', connections, duration, headers, body: requestBody });
  const measured = async (duration: number) => {
    const cpuBefore = await workerdCpuSeconds();
    const result = await load(duration);
    const cpu = (await workerdCpuSeconds()) - cpuBefore;
    return { result, cpu, cpuPerRequestMs: (cpu * 1000) / Math.max(1, result.requests.total) };
  };
  await load(3); // warm-up
  const unprofiled = await measured(seconds);
  const loadAverage = os.loadavg().map((value) => Number(value.toFixed(2)));
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 200 });
  await call('Profiler.start');
  const profiled = await measured(seconds);
  const { profile } = (await call('Profiler.stop')) as { profile: Profile };
  socket.close();
  await fs.writeFile(path.join(dataDir, 'worker.cpuprofile'), JSON.stringify(profile));

  const modules = await moduleIndex(path.join(dataDir, 'worker', 'index.js'));
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)!;
    const { functionName, url, lineNumber } = node.callFrame;
    // The bundle is `index.js`; workerd's own JS (`cloudflare-internal:d1-api`, `node-internal:…`) keeps its URL.
    const module = url === '' ? '' : url.endsWith('index.js') ? moduleAt(modules, lineNumber) : url;
    const name = functionName || '(anonymous)';
    const key = module === '' ? `${name} (native)` : `${name} ${module}`;
    const delta = profile.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + delta);
    const area = areaOf(module, name);
    areas.set(area, (areas.get(area) ?? 0) + delta);
  }
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const busy = total - (areas.get('idle') ?? 0);
  const share = (us: number) => Number((us / busy).toFixed(4));
  const top = [...self.entries()].filter(([name]) => !name.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 30)
    .map(([name, us]) => ({ name, share_of_busy: share(us), ms: Math.round(us / 1000) }));
  const byArea = [...areas.entries()].filter(([area]) => area !== 'idle').sort((a, b) => b[1] - a[1])
    .map(([area, us]) => ({ area, share_of_busy: share(us), ms: Math.round(us / 1000) }));
  const summary = {
    date: new Date().toISOString(), shape, seconds, connections, load_average: loadAverage,
    requests: unprofiled.result.requests.total, non2xx: unprofiled.result.non2xx, requests_per_s: unprofiled.result.requests.average,
    workerd_cpu_ms_per_request: Number(unprofiled.cpuPerRequestMs.toFixed(3)),
    profiled: { requests: profiled.result.requests.total, non2xx: profiled.result.non2xx, workerd_cpu_ms_per_request: Number(profiled.cpuPerRequestMs.toFixed(3)) },
    sampled_ms: Math.round(total / 1000), busy_ms: Math.round(busy / 1000), by_area: byArea, top,
  };
  const resultsPath = path.join(ROOT, 'test/bench/results/profile.json');
  const previous = JSON.parse(await fs.readFile(resultsPath, 'utf8').catch(() => '{}')) as { shapes?: Record<string, unknown> };
  const shapes = { ...(previous.shapes ?? {}), [shape]: summary };
  await fs.writeFile(resultsPath, `${JSON.stringify({ shapes }, null, 1)}\n`);
  console.log(`${shape}: ${summary.requests} requests in ${seconds} s unprofiled (${summary.non2xx} not 2xx), load average ${loadAverage.join(' ')}`);
  console.log(`workerd CPU per request: ${summary.workerd_cpu_ms_per_request} ms (profiled window: ${summary.profiled.workerd_cpu_ms_per_request} ms); raw profile in ${dataDir}`);
  console.log('self time by area (share of non-idle samples):');
  for (const entry of byArea) console.log(`${(entry.share_of_busy * 100).toFixed(1).padStart(5)}%  ${entry.area}`);
  console.log('top functions:');
  for (const entry of top) console.log(`${(entry.share_of_busy * 100).toFixed(1).padStart(5)}%  ${entry.name}`);
} finally {
  await stack.stop();
}
