// Starting the simulator and the contenders, each in its own process, and describing how a
// client reaches each: the URL of its chat completions route, headers and the model name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePortSync, pin, startProcess, type Started } from './processes';
import { writeNginxConfig, writeWorkerdConfig } from '../contenders/configs';
import { BENCH_KEY } from '../contenders/bench-fleet';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
export const WORKERD_BINARY = path.join(ROOT, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd');
const PORTKEY_SERVER = path.join(ROOT, 'node_modules/@portkey-ai/gateway/build/start-server.js');

export type ContenderName = 'direct' | 'node-pipe' | 'nginx' | 'workerd-passthrough' | 'miniflare-passthrough' | 'switchboard' | 'portkey';

export interface Target {
  name: ContenderName;
  runtime: string;
  /** Full URL of the OpenAI chat completions route. */
  url: string;
  headers: Record<string, string>;
  /** Model to send; for direct and the passthroughs the simulator ignores it. */
  model: (slow: boolean) => string;
  /** Process whose CPU / RSS is measured; undefined for direct. */
  pid?: number;
  process?: Started;
}

export interface Simulator {
  url: string;
  port: number;
  process: Started;
}

export async function startSimulatorProcess(cpus?: string): Promise<Simulator> {
  const started = await startProcess({ name: 'simulator', command: TSX, args: [path.join(ROOT, 'test/bench/contenders/simulator-process.ts')], cpus });
  return { url: started.ready.url, port: started.ready.port, process: started };
}

export const directTarget = (sim: Simulator, provider = 'zero-openai'): Target => ({
  name: 'direct',
  runtime: 'node:http simulator',
  url: `${sim.url}/${provider}/v1/chat/completions`,
  headers: {},
  model: () => 'gpt-sim',
});

export interface ContenderOptions {
  cpus?: string;
  tmp: string;
}

/** Start one contender; returns null (with a reason) when it cannot run here. */
export async function startContender(name: ContenderName, sim: Simulator, options: ContenderOptions): Promise<Target | { skipped: string }> {
  const providerPath = (slow: boolean) => (slow ? 'slow-openai' : 'zero-openai');
  if (name === 'direct') return directTarget(sim);
  if (name === 'node-pipe') {
    const started = await startProcess({ name, command: TSX, args: [path.join(ROOT, 'test/bench/contenders/node-pipe.ts'), String(sim.port)], cpus: options.cpus });
    return pathTarget(name, 'Node ' + process.version + ' node:http', `http://127.0.0.1:${started.ready.port}`, started);
  }
  if (name === 'nginx') {
    const binary = findNginx();
    if (!binary) return { skipped: 'nginx is not installed (apt-get install -y nginx failed or was not run)' };
    const port = await freePortSync();
    const dir = path.join(options.tmp, 'nginx');
    const config = writeNginxConfig(dir, port, sim.port);
    const started = await startProcess({ name, command: binary, args: ['-c', config, '-p', dir], cpus: options.cpus, readyPort: port });
    return pathTarget(name, nginxVersion(binary), `http://127.0.0.1:${port}`, started);
  }
  if (name === 'workerd-passthrough') {
    const port = await freePortSync();
    const config = writeWorkerdConfig(path.join(options.tmp, 'workerd'), port, sim.url);
    const started = await startProcess({ name, command: WORKERD_BINARY, args: ['serve', config], cpus: options.cpus, readyPort: port });
    return pathTarget(name, 'workerd serve (capnp config)', `http://127.0.0.1:${port}`, started);
  }
  if (name === 'miniflare-passthrough' || name === 'switchboard') {
    const mode = name === 'switchboard' ? 'switchboard' : 'passthrough';
    const started = await startProcess({
      name,
      command: TSX,
      args: [path.join(ROOT, 'test/bench/contenders/miniflare-process.ts'), mode, sim.url, path.join(options.tmp, name)],
      timeoutMs: 60_000,
    });
    // Miniflare's Node process (and the analytics node) stay unpinned; workerd is pinned.
    if (options.cpus) pin(started.measuredPid, options.cpus);
    if (mode === 'passthrough') return pathTarget(name, 'workerd via Miniflare API', started.ready.url, started);
    return {
      name,
      runtime: 'workerd via Miniflare API on its own socket (unsafeDirectSockets: no entry worker), D1 local, analytics node live',
      url: `${started.ready.url}/v1/chat/completions`,
      headers: { authorization: `Bearer ${BENCH_KEY}` },
      model: (slow) => (slow ? 'bench-slow' : 'bench-zero'),
      pid: started.measuredPid,
      process: started,
    };
  }
  if (name === 'portkey') {
    const port = await freePortSync();
    const started = await startProcess({
      name,
      command: process.execPath,
      args: [PORTKEY_SERVER, `--port=${port}`, '--headless'],
      cpus: options.cpus,
      readyPort: port,
      env: { NODE_ENV: 'production' },
      verbose: process.env.BENCH_VERBOSE === '1',
    });
    return {
      name,
      runtime: `@portkey-ai/gateway ${portkeyVersion()} on Node ${process.version}`,
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${sim.url}/zero-openai/v1`, authorization: 'Bearer sk-upstream-zero' },
      model: () => 'gpt-sim',
      pid: started.child.pid,
      process: started,
    };
  }
  throw new Error(`unknown contender ${name satisfies never}`);

  function pathTarget(contender: ContenderName, runtime: string, base: string, started: Started): Target {
    return {
      name: contender,
      runtime,
      url: `${base}/zero-openai/v1/chat/completions`,
      headers: {},
      model: () => 'gpt-sim',
      pid: started.measuredPid,
      process: started,
      // Streams through path proxies go to the slow provider by URL, see streamUrl.
      ...{ slowUrl: `${base}/${providerPath(true)}/v1/chat/completions` },
    };
  }
}

/** The URL for a slow (held) stream through a target. */
export function slowUrl(target: Target): string {
  return (target as Target & { slowUrl?: string }).slowUrl ?? target.url.replace('/zero-openai/', '/slow-openai/');
}

export function findNginx(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(candidate)) return candidate;
  return null;
}

function nginxVersion(binary: string): string {
  try {
    return execFileSync(binary, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim() || 'nginx';
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? 'nginx').trim();
  }
}

export function portkeyVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@portkey-ai/gateway/package.json'), 'utf8')).version;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
}

export async function stopAll(targets: Array<{ process?: Started } | Simulator | undefined>): Promise<void> {
  await Promise.all(targets.map((target) => target?.process?.stop().catch(() => undefined)));
}
