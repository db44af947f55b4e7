// Switchboard from a given bundle, for frame-cost.ts's interleaved A/B: the worker on its own
// socket (as scripts/stack.ts serves it), local D1, the analytics node live in this process,
// and a config with one channel per held upstream (model `held-<frames>` → `ch-held-<frames>`),
// so a 1-frame and a 20-frame stream differ only in their frame count — no catalog switch.
// `tsx frame-cost-worker.ts '<json: {scriptPath, dataDir, upstreams: {"1": url, "20": url}, inspectorPort?}>'`
// prints "READY {url, measuredPid}" (measuredPid is workerd's).
import fs from 'node:fs';
import { serve } from '@hono/node-server';
import { applyConfigTo, freePort, startWorker } from '../../../scripts/stack';
import { createAnalyticsNode } from '../../../analytics-node/app';
import { commandName, descendantsOf } from '../lib/processes';
import { ADMIN_KEY, BENCH_KEY, INTERNAL_SECRET } from '../contenders/bench-fleet';

interface Options {
  scriptPath: string;
  dataDir: string;
  upstreams: Record<string, string>;
  /** workerd's inspector, for profile-stream.ts's CPU profile. */
  inspectorPort?: number;
}

const options: Options = JSON.parse(process.argv[2]!);
fs.mkdirSync(options.dataDir, { recursive: true });
const host = '127.0.0.1';
const [workerPort, analyticsPort] = await Promise.all([freePort(host), freePort(host)]);
const workerUrl = `http://${host}:${workerPort}`;
const analyticsUrl = `http://${host}:${analyticsPort}`;
const analytics = await createAnalyticsNode({ dbPath: `${options.dataDir}/analytics.duckdb`, internalSecret: INTERNAL_SECRET, workerUrl, scoreIntervalS: 5 });
const server = serve({ fetch: analytics.app.fetch, port: analyticsPort, hostname: host });
const miniflare = await startWorker({
  scriptPath: options.scriptPath,
  host,
  port: workerPort,
  dataDir: options.dataDir,
  bindings: { ADMIN_KEY, INTERNAL_SECRET, ANALYTICS_URL: analyticsUrl, SCORE_PUSH_INTERVAL_S: '5' },
  entryWorker: false,
  ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
});
const shutdown = async () => {
  await miniflare.dispose().catch(() => undefined);
  await analytics.stop().catch(() => undefined);
  server.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

const price = { input_per_mtok: 1, output_per_mtok: 2 };
const cost = { input_per_mtok: 0.1, output_per_mtok: 0.2 };
const frameCounts = Object.keys(options.upstreams);
await applyConfigTo(workerUrl, ADMIN_KEY, {
  models: frameCounts.map((frames) => ({ id: `held-${frames}`, price })),
  channels: frameCounts.map((frames) => ({
    id: `ch-held-${frames}`,
    type: 'openai',
    base_url: options.upstreams[frames],
    api_key: 'sk-upstream-held',
    models: [{ model: `held-${frames}`, cost }],
  })),
  groups: [{ id: 'default', price_multiplier: 1 }],
  users: [{ id: 'bench', group: 'default', balance_usd: 1e9 }],
  keys: [{ user: 'bench', name: 'bench', key: BENCH_KEY, models: ['*'] }],
  routing: { mode: 'balanced', max_attempts: 3 },
});
analytics.start();
const measuredPid = descendantsOf(process.pid).find((pid) => pid !== process.pid && commandName(pid) === 'workerd');
if (measuredPid === undefined) throw new Error('no workerd child found');
process.stdout.write(`READY ${JSON.stringify({ url: workerUrl, measuredPid })}\n`);
