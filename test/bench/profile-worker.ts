// CPU profile of the worker's hot path: the local stack with workerd's inspector open, a
// steady load of non-streaming chat requests, and the profile's self time summed per
// function. Run: npx tsx test/bench/profile-worker.ts [--seconds=10] [--connections=8]
// Writes test/bench/results/profile.json (top functions) and the raw .cpuprofile under .data/.
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

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const seconds = arg('seconds', 10);
const connections = arg('connections', 8);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'switchboard-profile-'));
const inspectorPort = await freePort();
const config = JSON.parse(await fs.readFile(path.join(ROOT, 'test/e2e/config.json'), 'utf8'));
const stack = await startStack({ dataDir, config, fleetPath: path.join(ROOT, 'test/simulator/fleets/zero.json'), quiet: true, inspectorPort });
try {
  // zero.json has one zero-delay provider per dialect; point gpt-test's channels at the OpenAI one.
  const zeroConfig = rewriteSimulatorUrls(JSON.parse(JSON.stringify(config).replaceAll(/\/e2e-(a|b)"/g, '/zero-openai"')), stack.simUrl);
  await fetch(`${stack.workerUrl}/admin/config`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminKey}` }, body: JSON.stringify(zeroConfig) });
  const probe = await fetch(`${stack.workerUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-e2e-main-0001', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'profile me' }] }),
  });
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
    autocannon({
      url: `${stack.workerUrl}/v1/chat/completions`,
      method: 'POST',
      connections,
      duration,
      headers: { authorization: 'Bearer sk-e2e-main-0001', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'profile me' }] }),
    });
  await load(3); // warm-up
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 200 });
  await call('Profiler.start');
  const result = await load(seconds);
  const { profile } = (await call('Profiler.stop')) as { profile: Profile };
  socket.close();
  await fs.writeFile(path.join(dataDir, 'worker.cpuprofile'), JSON.stringify(profile));

  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)!;
    const file = node.callFrame.url.split('/').slice(-2).join('/');
    const key = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([name, us]) => ({ name, share: Number((us / total).toFixed(4)), ms: Math.round(us / 1000) }));
  const requests = result.requests.total;
  const summary = { date: new Date().toISOString(), seconds, connections, requests, non2xx: result.non2xx, requests_per_s: result.requests.average, sampled_ms: Math.round(total / 1000), top };
  await fs.writeFile(path.join(ROOT, 'test/bench/results/profile.json'), `${JSON.stringify(summary, null, 1)}\n`);
  console.log(`${requests} requests (${result.non2xx} not 2xx); top self time in the worker isolate:`);
  for (const entry of top) console.log(`${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.name}`);
} finally {
  await stack.stop();
}
