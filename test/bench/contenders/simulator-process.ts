// The zero-delay upstream simulator in its own process: `tsx simulator-process.ts`.
// Prints "READY {url, port}". The fleet is zero.json plus the bench providers below.
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator } from '../../simulator/server';
import { BENCH_PROVIDERS } from './bench-fleet';

const zero = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../simulator/fleets/zero.json'), 'utf8'));
const simulator = await startSimulator({ port: 0, host: '127.0.0.1', providers: [...zero.providers, ...BENCH_PROVIDERS], seed: 7 });
process.stdout.write(`READY ${JSON.stringify({ url: simulator.url, port: simulator.port })}\n`);
const shutdown = () => void simulator.close().finally(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
