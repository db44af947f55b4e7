// The whole local stack in one call: the upstream simulator, the analytics node (DuckDB) and
// the worker on Miniflare with a local D1, migrated and loaded from a config document.
// `npm start`, the end-to-end tests, the soak cases and the benchmarks all use it, so what the
// tests prove and the benchmarks measure is what runs.
import fs from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { Miniflare } from 'miniflare';
import { serve, type ServerType } from '@hono/node-server';
import { startSimulator } from '../test/simulator/server';
import { createAnalyticsNode, type AnalyticsNode } from '../analytics-node/app';
import { applyMigrations } from './migrations';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface StackOptions {
  workerPort?: number;
  analyticsPort?: number;
  simPort?: number;
  host?: string;
  /** Folder for DuckDB and the local D1 (default `.data/`). */
  dataDir?: string;
  /**
   * The analytics log store (ANALYTICS_STORE's forms: `duckdb:PATH`, `chdb:PATH`,
   * `clickhouse://…`). Default: the environment's ANALYTICS_STORE, else DuckDB in dataDir. A
   * bare `chdb` or `duckdb` puts the store in dataDir.
   */
  analyticsStore?: string;
  /** Config document to apply (already parsed). */
  config: unknown;
  /** Simulator fleet file. */
  fleetPath?: string;
  adminKey?: string;
  internalSecret?: string;
  scoreIntervalS?: number;
  /** Extra worker bindings (time-outs, batch sizes, credentials referenced as env:NAME). */
  workerBindings?: Record<string, string>;
  /** Quiet: do not forward the worker's console output. */
  quiet?: boolean;
  /** Open workerd's inspector on this port (see test/bench/profile-worker.ts). */
  inspectorPort?: number;
  /** Serve through Miniflare's entry worker instead of the direct socket (slower; for comparison). */
  entryWorker?: boolean;
}

export interface Stack {
  workerUrl: string;
  analyticsUrl: string;
  simUrl: string;
  adminKey: string;
  internalSecret: string;
  dataDir: string;
  /** The current Miniflare instance (a new one after restartWorker). */
  readonly miniflare: Miniflare;
  /** Run the worker's cron handler once (Miniflare does not fire crons by itself). */
  triggerCron(): Promise<void>;
  /** A fresh workerd (the isolate's memory gone) on the same port, same D1 and objects. */
  restartWorker(): Promise<void>;
  /** Close the analytics node (log batches now fail); start it again on the same port and file. */
  stopAnalytics(): Promise<void>;
  startAnalytics(): Promise<void>;
  stop(): Promise<void>;
}

function analyticsStoreIn(dataDir: string, given: string | undefined): string {
  const text = given?.trim() ?? '';
  if (text === '' || text === 'duckdb') return path.join(dataDir, 'analytics.duckdb');
  if (text === 'chdb') return `chdb:${path.join(dataDir, 'analytics.chdb')}`;
  return text;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir ?? path.join(ROOT, '.data'));
  await fs.mkdir(dataDir, { recursive: true });
  const adminKey = options.adminKey ?? 'sb-admin-dev';
  const internalSecret = options.internalSecret ?? 'sb-internal-dev';
  const [workerPort, analyticsPort, simPort] = await Promise.all([
    options.workerPort ?? freePort(host),
    options.analyticsPort ?? freePort(host),
    options.simPort ?? freePort(host),
  ]);
  const workerUrl = `http://${host}:${workerPort}`;
  const analyticsUrl = `http://${host}:${analyticsPort}`;

  let analytics: { node: AnalyticsNode; server: ServerType } | null = null;
  const startAnalytics = async (): Promise<void> => {
    if (analytics) return;
    const node = await createAnalyticsNode({
      dbPath: analyticsStoreIn(dataDir, options.analyticsStore ?? process.env.ANALYTICS_STORE),
      internalSecret,
      // Its read routes and dashboard answer the worker's admin keys (named ones via /admin/whoami).
      adminKey,
      workerUrl,
      scoreIntervalS: options.scoreIntervalS ?? 5,
    });
    const server: ServerType = serve({ fetch: node.app.fetch, port: analyticsPort, hostname: host });
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    // The worker was given this URL once: a restart must come back on the same port.
    if ((server.address() as AddressInfo).port !== analyticsPort) throw new Error('analytics node came back on another port');
    analytics = { node, server };
  };
  const stopAnalytics = async (): Promise<void> => {
    if (!analytics) return;
    const { node, server } = analytics;
    analytics = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if ('closeAllConnections' in server) server.closeAllConnections();
    await closed;
    await node.stop();
  };

  let miniflare: Miniflare | null = null;
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopper of stoppers.reverse()) await stopper().catch(() => undefined);
  };
  try {
    const fleet = JSON.parse(await fs.readFile(options.fleetPath ?? path.join(ROOT, 'test/simulator/fleets/demo.json'), 'utf8'));
    const simulator = await startSimulator({ port: simPort, host, providers: fleet.providers });
    stoppers.push(() => simulator.close());
    const simUrl = simulator.url;

    await startAnalytics();
    stoppers.push(stopAnalytics);

    const scriptPath = await bundleWorker(path.join(dataDir, 'worker'));
    const config = rewriteSimulatorUrls(options.config, simUrl);
    const workerOptions: WorkerOptions = {
      scriptPath,
      host,
      port: workerPort,
      dataDir,
      bindings: {
        ADMIN_KEY: adminKey,
        INTERNAL_SECRET: internalSecret,
        ANALYTICS_URL: analyticsUrl,
        SCORE_PUSH_INTERVAL_S: String(options.scoreIntervalS ?? 5),
        ...credentialBindings(config),
        ...options.workerBindings,
      },
      quiet: options.quiet ?? false,
      // Kept for the end-to-end secrets scan (test/e2e/zz-secrets.test.ts): every line the worker printed.
      ...(options.quiet ? { outputFile: path.join(dataDir, 'worker-output.log') } : {}),
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
      entryWorker: options.entryWorker ?? false,
    };
    miniflare = await startWorker(workerOptions);
    stoppers.push(() => miniflare!.dispose());
    await applyConfigTo(workerUrl, adminKey, config);

    analytics!.node.start();

    return {
      workerUrl, analyticsUrl, simUrl, adminKey, internalSecret, dataDir, stopAnalytics, stop,
      get miniflare() { return miniflare!; },
      // Through Miniflare's control connection, not an HTTP route: the direct socket has no /cdn-cgi/.
      triggerCron: async () => void (await (await miniflare!.getWorker()).scheduled({ cron: '* * * * *' })),
      async restartWorker() {
        await miniflare!.dispose();
        miniflare = await startWorker(workerOptions);
      },
      startAnalytics: async () => void (await startAnalytics(), analytics!.node.start()),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface WorkerOptions {
  scriptPath: string;
  host: string;
  port: number;
  /** D1 and Durable Object state live under this folder. */
  dataDir: string;
  bindings: Record<string, string>;
  quiet?: boolean;
  /** Also append the worker's stdout and stderr to this file (still forwarded to this process's). */
  outputFile?: string;
  /** Open workerd's inspector (Chrome DevTools protocol) on this port, for CPU profiles. */
  inspectorPort?: number;
  /** Serve `port` through Miniflare's entry worker (as before) instead of a direct socket. */
  entryWorker?: boolean;
}

/**
 * The worker as production runs it, on Miniflare's API (not wrangler dev's proxy): local D1
 * migrated from migrations/, the account and guard Durable Objects SQLite-backed like
 * wrangler.toml's. Clients reach it on a direct socket (`unsafeDirectSockets`): Miniflare's
 * entry worker, a second worker in front of every request, is out of the path (it keeps an
 * ephemeral port for Miniflare's own calls: getD1Database, getWorker). The direct socket sets
 * no request.cf nor cf-connecting-ip and answers no /cdn-cgi/ route: docs/perf-notes-runtime.md.
 */
export async function startWorker(options: WorkerOptions): Promise<Miniflare> {
  const direct = !options.entryWorker;
  const miniflare = new Miniflare({
    modules: true,
    scriptPath: options.scriptPath,
    modulesRoot: path.dirname(options.scriptPath),
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat'],
    host: options.host,
    port: direct ? 0 : options.port,
    ...(direct ? { unsafeDirectSockets: [{ host: options.host, port: options.port }] } : {}),
    d1Databases: { DB: 'switchboard-local' },
    d1Persist: path.join(options.dataDir, 'd1'),
    durableObjects: {
      ACCOUNTS: { className: 'AccountObject', useSQLite: true },
      AUTH_GUARD: { className: 'AuthGuardObject', useSQLite: true },
    },
    durableObjectsPersist: path.join(options.dataDir, 'durable-objects'),
    // A development CREDENTIALS_KEY unless the caller gives one (literal credentials are stored only sealed).
    bindings: { CREDENTIALS_KEY: await developmentCredentialsKey(options.dataDir), ...options.bindings },
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
    ...(options.quiet ? { log: undefined } : {}),
    ...(options.outputFile ? { handleRuntimeStdio: teeOutput(options.outputFile) } : {}),
  });
  try {
    await miniflare.ready;
    await applyMigrations(await miniflare.getD1Database('DB'), path.join(ROOT, 'migrations'));
    return miniflare;
  } catch (error) {
    await miniflare.dispose().catch(() => undefined);
    throw error;
  }
}

/** Apply a config document through the worker's admin API. */
export async function applyConfigTo(workerUrl: string, adminKey: string, config: unknown): Promise<void> {
  const applied = await fetch(`${workerUrl}/admin/config`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  if (!applied.ok) throw new Error(`config apply failed: ${applied.status} ${await applied.text()}`);
}

/**
 * Bundle the worker with esbuild (what wrangler does), for Miniflare. The benches bundle
 * variants of it through `options` (another entry, plugins that swap files, node_modules for a
 * copy of the tree outside the repository), so every bundle is built the same way.
 */
export async function bundleWorker(outDir: string, options: Pick<BuildOptions, 'entryPoints' | 'stdin' | 'plugins' | 'nodePaths'> = {}): Promise<string> {
  const outfile = path.join(outDir, 'index.js');
  await build({
    entryPoints: options.stdin ? undefined : [path.join(ROOT, 'worker/index.ts')],
    ...options,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    outfile,
    external: ['cloudflare:*'],
    logLevel: 'silent',
    sourcemap: false,
  });
  return outfile;
}

/** Channels of the demo and test configs point at 127.0.0.1:8790; follow the simulator's real port. */
export function rewriteSimulatorUrls(config: unknown, simUrl: string): unknown {
  const text = JSON.stringify(config);
  return JSON.parse(text.replaceAll('http://127.0.0.1:8790', simUrl));
}

/**
 * The key that seals literal channel credentials in D1 (README, Credentials at rest):
 * $CREDENTIALS_KEY when set, else a random development key made once per data folder and
 * kept there, so a second `npm start` still opens what the first sealed. Never printed.
 * (Kept beside the D1 files it protects, it guards nothing locally: production sets the key
 * with `wrangler secret put CREDENTIALS_KEY`.)
 */
async function developmentCredentialsKey(dataDir: string): Promise<string> {
  if (process.env.CREDENTIALS_KEY) return process.env.CREDENTIALS_KEY;
  const file = path.join(dataDir, 'credentials-key.dev');
  const existing = await fs.readFile(file, 'utf8').catch(() => '');
  if (existing.trim() !== '') return existing.trim();
  const key = `dev:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
  await fs.writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** workerd's stdout and stderr to this process's, as Miniflare does by default, and to a file. */
function teeOutput(file: string) {
  return (stdout: Readable, stderr: Readable) => {
    const copy = createWriteStream(file, { flags: 'a' });
    const tee = (into: NodeJS.WriteStream) => (chunk: Buffer) => void [copy.write(chunk), into.write(chunk)];
    stdout.on('data', tee(process.stdout));
    stderr.on('data', tee(process.stderr));
  };
}

/** Pass through only the environment variables the config references as env:NAME. */
function credentialBindings(config: unknown): Record<string, string> {
  const bindings: Record<string, string> = {};
  const channels = (config as { channels?: Array<{ api_key?: string }> }).channels ?? [];
  for (const channel of channels) {
    const reference = channel.api_key?.startsWith('env:') ? channel.api_key.slice(4) : null;
    if (reference && process.env[reference] !== undefined) bindings[reference] = process.env[reference]!;
  }
  return bindings;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
