// Child processes for the benchmarks: each contender in its own process group, started with a
// raised file limit, announced by a "READY {json}" line, killed by group on every exit path.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

export interface Started {
  name: string;
  child: ChildProcess;
  /** Parsed JSON of the READY line (empty object for processes that print none). */
  ready: Record<string, any>;
  /** The process whose CPU and memory are measured (may differ from child.pid). */
  measuredPid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

export function killAll(): void {
  for (const child of running) killGroup(child);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}
process.on('exit', killAll);

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** CPU list for taskset (e.g. "1"); none means unpinned. */
  cpus?: string;
  /** Wait for a READY line (default) or for a TCP port to accept. */
  readyPort?: number;
  timeoutMs?: number;
  /** Echo the child's stderr (default: only on failure). */
  verbose?: boolean;
}

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

export async function startProcess(options: StartOptions): Promise<Started> {
  const pin = options.cpus ? `taskset -c ${options.cpus} ` : '';
  const line = `ulimit -n 65535 2>/dev/null || ulimit -n 20000; exec ${pin}${[options.command, ...options.args].map(shellQuote).join(' ')}`;
  const child = spawn('bash', ['-c', line], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    if (options.verbose) process.stderr.write(`[${options.name}] ${chunk}`);
  });
  const stop = async () => {
    killGroup(child, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    killGroup(child, 'SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
  };
  try {
    const ready = await new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${options.name} not ready within ${options.timeoutMs ?? 30_000} ms: ${stderr}`)), options.timeoutMs ?? 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited (${code}) before ready: ${stderr}`));
      });
      if (options.readyPort !== undefined) {
        const port = options.readyPort;
        const probe = async () => {
          while (true) {
            if (await canConnect(port)) return resolve({});
            await new Promise((next) => setTimeout(next, 50));
          }
        };
        void probe();
      } else {
        let buffer = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          const match = /^READY (.*)$/m.exec(buffer);
          if (match) {
            clearTimeout(timer);
            resolve(JSON.parse(match[1]!));
          }
        });
      }
    });
    child.stdout!.resume();
    const measuredPid = Number(ready.measuredPid ?? child.pid);
    return { name: options.name, child, ready, measuredPid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function canConnect(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Children of a pid (from /proc/<pid>/task/<tid>/children). */
export function childrenOf(pid: number): number[] {
  const result: number[] = [];
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) result.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // Process gone.
  }
  return result;
}

export function descendantsOf(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]!));
  return all;
}

export const CLOCK_TICKS = 100;

/** utime + stime in seconds of a process and all its descendants. */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const each of descendantsOf(pid)) {
    try {
      const stat = fs.readFileSync(`/proc/${each}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone.
    }
  }
  return ticks / CLOCK_TICKS;
}

/** Resident set size in bytes of a process and its descendants. */
export function rssBytes(pid: number): number {
  let bytes = 0;
  for (const each of descendantsOf(pid)) {
    try {
      const status = fs.readFileSync(`/proc/${each}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      if (match) bytes += Number(match[1]) * 1024;
    } catch {
      // Gone.
    }
  }
  return bytes;
}

export function commandName(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Pin every thread of a process (and its descendants) to a CPU list. */
export function pin(pid: number, cpus: string): void {
  for (const each of descendantsOf(pid)) {
    try {
      execFileSync('taskset', ['-a', '-cp', cpus, String(each)], { stdio: 'ignore' });
    } catch {
      // Not fatal: measured unpinned.
    }
  }
}

export function freePortSync(): Promise<number> {
  return import('node:net').then(
    (net) =>
      new Promise<number>((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          const address = server.address();
          const port = typeof address === 'object' && address ? address.port : 0;
          server.close(() => resolve(port));
        });
      }),
  );
}

/** Run a load generator to completion in its own process group and parse its "RESULT {json}" line. */
export async function runToResult(name: string, command: string, args: string[], cpus?: string, timeoutMs = 120_000): Promise<any> {
  const pinPrefix = cpus ? `taskset -c ${cpus} ` : '';
  const line = `ulimit -n 65535 2>/dev/null || ulimit -n 20000; exec ${pinPrefix}${[command, ...args].map(shellQuote).join(' ')}`;
  const child = spawn('bash', ['-c', line], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const timer = setTimeout(() => killGroup(child), timeoutMs);
  try {
    await new Promise((resolve) => child.once('exit', resolve));
  } finally {
    clearTimeout(timer);
    running.delete(child);
    killGroup(child);
  }
  const match = /^RESULT (.*)$/m.exec(stdout);
  if (!match) throw new Error(`${name} produced no result: ${stderr || stdout.slice(-2000)}`);
  return JSON.parse(match[1]!);
}
