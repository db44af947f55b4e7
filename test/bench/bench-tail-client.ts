// The tail bench's load: an open-loop client like load/rate-client.ts (requests scheduled at a
// fixed rate, latency from the scheduled time, so a stall cannot hide queueing), except that
// it keeps every request: its scheduled wall-clock time, latency and status, and the worker's
// `server-timing` header when the worker sends one. A periodic stall shows only in which
// requests were slow and when, never in a summary.
// `tsx bench-tail-client.ts '<json options>'`; prints "RESULT {json}".
import http from 'node:http';
import { runOpenLoop } from './load/open-loop';

export interface TailClientOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  durationS: number;
  connections: number;
  /** Discarded warm-up at the same rate before the measured run. */
  warmupS: number;
}

/** One measured request. `at`: its scheduled send time (epoch ms). */
export interface TailSample {
  at: number;
  latency_ms: number;
  status: number;
  timing?: string;
}

export interface TailClientResult {
  offered: number;
  achieved_rps: number;
  errors: number;
  samples: TailSample[];
}

interface Sent {
  status: number;
  timing?: string;
}

async function main(): Promise<void> {
  const options: TailClientOptions = JSON.parse(process.argv[2]!);
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections, keepAliveMsecs: 10_000 });
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(options.body)), ...options.headers };
  const send = (): Promise<Sent> =>
    new Promise((resolve) => {
      const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (response) => {
        response.resume();
        const timing = response.headers['server-timing'];
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ...(typeof timing === 'string' ? { timing } : {}) }));
        response.on('error', () => resolve({ status: 0 }));
      });
      request.on('socket', (socket) => socket.setNoDelay(true));
      request.on('error', () => resolve({ status: 0 }));
      request.end(options.body);
    });

  await Promise.all(Array.from({ length: options.connections }, () => send()));
  if (options.warmupS > 0) await runAt(send, options.rate, options.warmupS, null);
  const samples: TailSample[] = [];
  const started = performance.now();
  const { done, errors } = await runAt(send, options.rate, options.durationS, samples);
  const elapsedS = (performance.now() - started) / 1000;
  const result: TailClientResult = { offered: options.rate, achieved_rps: done / elapsedS, errors, samples: samples.filter(Boolean) };
  agent.destroy();
  // A large line to a pipe is written asynchronously: exit only once it is out.
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

async function runAt(send: () => Promise<Sent>, rate: number, durationS: number, samples: TailSample[] | null): Promise<{ done: number; errors: number }> {
  const { total, done, errors } = await runOpenLoop(send, rate, durationS, (index, scheduled, { status, timing }) => {
    if (samples) samples[index] = { at: performance.timeOrigin + scheduled, latency_ms: performance.now() - scheduled, status, ...(timing ? { timing } : {}) };
    return status !== 200;
  });
  return { done, errors: errors + (total - done) };
}

await main();
