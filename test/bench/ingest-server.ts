// The ingest bench's server side: the analytics node's real entry point (main.ts) in its own
// process, its CPU per process and per thread from /proc, and a keep-alive POST to /ingest.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { TEST_SECRET } from '../../analytics-node/test-support';

export function post(agent: Agent, port: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: '/ingest',
        method: 'POST',
        headers: {
          authorization: `Bearer ${TEST_SECRET}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => (response.statusCode === 200 ? resolve(text) : reject(new Error(`${response.statusCode} ${text}`))));
      },
    );
    call.on('socket', (socket) => socket.setNoDelay(true));
    call.on('error', reject);
    call.end(body);
  });
}

export interface ServerProcess {
  port: number;
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): number;
  /** CPU seconds per thread so far, keyed by `name#tid` (main thread, worker threads, libuv's pool, DuckDB's). */
  threadCpuSeconds(): Record<string, number>;
  stop(): Promise<void>;
}

/** The real entry point (main.ts) in its own process, as in production. */
export async function startServerProcess(dbPath: string, profileDirectory?: string): Promise<ServerProcess> {
  const profiling = profileDirectory === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDirectory];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', path.join(import.meta.dirname, '../../analytics-node/main.ts')], {
    env: { ...process.env, ANALYTICS_PORT: '0', ANALYTICS_DB: dbPath, INTERNAL_SECRET: TEST_SECRET, WORKER_URL: '' },
    cwd: path.join(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /ready on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`analytics node exited with ${code}: ${output}`)));
  });
  const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return {
    port,
    cpuSeconds() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime
    },
    threadCpuSeconds() {
      const threads: Record<string, number> = {};
      for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
        try {
          const stat = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
          const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
          threads[`${name}#${tid}`] = (Number(fields[11]) + Number(fields[12])) / ticks;
        } catch {
          // The thread ended between the listing and the read.
        }
      }
      return threads;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

