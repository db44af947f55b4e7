// Closed-loop saturation with autocannon (non-streaming): `tsx autocannon-run.ts '<json>'`;
// prints "RESULT {json}" with requests/s and latency.
import { createRequire } from 'node:module';

// autocannon ships no types.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => Promise<any>;

const options = JSON.parse(process.argv[2]!) as { url: string; headers: Record<string, string>; body: string; connections: number; durationS: number };
const result = await autocannon({
  url: options.url,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...options.headers },
  body: options.body,
  connections: options.connections,
  duration: options.durationS,
  pipelining: 1,
});
process.stdout.write(
  `RESULT ${JSON.stringify({ requests: result.requests.total, rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, p50: result.latency.p50, p99: result.latency.p99 })}\n`,
);
process.exit(0);
