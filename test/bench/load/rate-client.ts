// A fixed-rate (open-loop) load generator: requests are scheduled at rate/s and latency is
// measured from the scheduled time, so a slow server cannot hide queueing (no coordinated
// omission). `tsx rate-client.ts '<json options>'`; prints "RESULT {json}".
import http from 'node:http';
import { summarize } from '../lib/stats';
import { runOpenLoop } from './open-loop';

interface Options {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  durationS: number;
  connections: number;
}

const options: Options = JSON.parse(process.argv[2]!);
const target = new URL(options.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections, keepAliveMsecs: 10_000 });
const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(options.body)), ...options.headers };

function send(): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', () => resolve(0));
    });
    request.on('socket', (socket) => socket.setNoDelay(true));
    request.on('error', () => resolve(0));
    request.end(options.body);
  });
}

// Open the connections first.
await Promise.all(Array.from({ length: options.connections }, () => send()));

// Warm-up at the same rate, discarded: new client and upstream connections, JIT.
await runAt(options.rate, Math.max(0.5, options.durationS / 3), null);
const measured = new Float64Array(Math.round(options.rate * options.durationS));
const start = performance.now();
const { done, errors } = await runAt(options.rate, options.durationS, measured);
const elapsedS = (performance.now() - start) / 1000;
process.stdout.write(`RESULT ${JSON.stringify({ offered: options.rate, completed: done, errors: errors + (measured.length - done), achievedRps: done / elapsedS, latency: summarize(measured.subarray(0, done)) })}\n`);
agent.destroy();
process.exit(0);

async function runAt(rate: number, durationS: number, latencies: Float64Array | null): Promise<{ done: number; errors: number }> {
  const { done, errors } = await runOpenLoop(send, rate, durationS, (index, scheduled, status) => {
    if (latencies) latencies[index] = performance.now() - scheduled;
    return status !== 200;
  });
  return { done, errors };
}
