// The tail bench's Switchboard: the analytics node (DuckDB, score loop running) and the worker
// on Miniflare's direct socket, exactly as scripts/stack.ts starts them for `npm start`, but
// from a worker bundle the bench chose (the tree as it is, or with some files as another
// commit had them: bench-tail-bundle.ts) and with extra worker bindings.
// `tsx bench-tail-stack.ts '{"simUrl","dataDir","scriptPath","bindings"}'`; prints
// "READY {url, measuredPid}" where measuredPid is workerd's.
import fs from 'node:fs';
import http from 'node:http';
import { serve } from '@hono/node-server';
import { applyConfigTo, freePort, startWorker } from '../../scripts/stack';
import { createAnalyticsNode } from '../../analytics-node/app';
import { commandName, descendantsOf } from './lib/processes';
import { ADMIN_KEY, benchConfig, INTERNAL_SECRET } from './contenders/bench-fleet';

interface StackArguments {
  simUrl: string;
  dataDir: string;
  scriptPath: string;
  bindings: Record<string, string>;
  /** Append workerd's output here (the wait-trace lines when TAIL_TRACE=1). */
  outputFile?: string;
  /**
   * Where the worker ships its log records: the analytics node (as `npm start`), a server in
   * this process that reads and discards each batch (the worker's side of shipping without the
   * node's ingest work on the shared cores), or nowhere (ANALYTICS_URL unset: records dropped).
   */
  logSink?: 'node' | 'discard' | 'none';
}

const options: StackArguments = JSON.parse(process.argv[2]!);
fs.mkdirSync(options.dataDir, { recursive: true });
const host = '127.0.0.1';
const [workerPort, analyticsPort] = await Promise.all([freePort(host), freePort(host)]);
const workerUrl = `http://${host}:${workerPort}`;
const analyticsUrl = `http://${host}:${analyticsPort}`;
const stoppers: Array<() => Promise<unknown>> = [];
const shutdown = async () => {
  for (const stopper of stoppers.reverse()) await stopper().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

const analytics = await createAnalyticsNode({ dbPath: `${options.dataDir}/analytics.duckdb`, internalSecret: INTERNAL_SECRET, workerUrl, scoreIntervalS: 5 });
const server = serve({ fetch: analytics.app.fetch, port: analyticsPort, hostname: host });
stoppers.push(async () => {
  await analytics.stop();
  server.close();
});
const logSink = options.logSink ?? 'node';
let shipTo = analyticsUrl;
if (logSink === 'discard') {
  const sinkPort = await freePort(host);
  const sink = http.createServer((request, response) => {
    let bytes = 0;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: 0, duplicates: 0, bytes })));
  });
  await new Promise<void>((resolve) => sink.listen(sinkPort, host, resolve));
  stoppers.push(async () => sink.close());
  shipTo = `http://${host}:${sinkPort}`;
}
const miniflare = await startWorker({
  scriptPath: options.scriptPath,
  host,
  port: workerPort,
  dataDir: options.dataDir,
  bindings: { ADMIN_KEY, INTERNAL_SECRET, ...(logSink === 'none' ? {} : { ANALYTICS_URL: shipTo }), SCORE_PUSH_INTERVAL_S: '5', ...options.bindings },
  quiet: options.outputFile === undefined,
  ...(options.outputFile ? { outputFile: options.outputFile } : {}),
});
stoppers.push(() => miniflare.dispose());
await applyConfigTo(workerUrl, ADMIN_KEY, benchConfig(options.simUrl));
analytics.start();
const workerd = descendantsOf(process.pid).find((pid) => pid !== process.pid && commandName(pid) === 'workerd');
process.stdout.write(`READY ${JSON.stringify({ url: workerUrl, measuredPid: workerd ?? process.pid })}\n`);
