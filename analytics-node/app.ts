// The analytics node: ingest, rollups, the score loop and the read routes, wired together.
import { Hono } from 'hono';
import type { LogRecord, ScoreTable } from '../worker/core/types';
import { ingestRoute } from './ingest-route';
import { openLogStore } from './log-store';
import { rebuildRollups } from './queries';
import { queryRoutes } from './query-routes';
import { WindowRollups } from './rollups';
import { buildScoreTable, pushScoreTable } from './score-table';
import { createLedger, workerLedgerSender } from './ledger';
import { ledgerRoutes } from './ledger-routes';
import { adminVerifier } from './admin-verifier';
import { readAuth, readerIdentifier } from './read-auth';
import { createConsole } from './console/console-app';

export interface AnalyticsNodeOptions {
  dbPath: string;
  internalSecret: string;
  /**
   * The bootstrap admin key (the worker's ADMIN_KEY): with it, or a named admin key the worker
   * vouches for (GET /admin/whoami), the read routes and the dashboard answer.
   */
  adminKey?: string;
  /** Console sessions last this long (default 8 hours). */
  sessionTtlS?: number;
  /** The built console (default `<repo>/console/dist`). */
  consoleDirectory?: string;
  /** Behind a reverse proxy: take the client address for sign-in limits from x-forwarded-for. */
  trustProxy?: boolean;
  /** Tests: how the console calls the worker (default: fetch to workerUrl with the internal secret). */
  consoleWorker?: import('./console/worker-client').WorkerClient;
  /** How long the worker's answer about a named admin key is trusted (default 5 s). */
  adminCacheTtlMs?: number;
  /** Where the score table is pushed (`${workerUrl}/internal/scores`); no push when absent. */
  workerUrl?: string;
  scoreIntervalS?: number;
  /** Seconds between ledger runs (billing batches to the worker's D1); default 5. */
  ledgerIntervalS?: number;
  windowS?: number;
  now?: () => number;
}

export interface AnalyticsNode {
  app: Hono;
  /** Starts the score timer: a recompute and push now, then every scoreIntervalS. */
  start(): void;
  /** Stops the timer, waits for pending writes, closes DuckDB. */
  stop(): Promise<void>;
  recomputeScores(): Promise<ScoreTable>;
  flush(): Promise<void>;
}

export async function createAnalyticsNode(options: AnalyticsNodeOptions): Promise<AnalyticsNode> {
  const now = options.now ?? Date.now;
  const windowS = options.windowS ?? 300;
  const scoreIntervalS = options.scoreIntervalS ?? 5;
  if (!(scoreIntervalS > 0)) throw new Error('scoreIntervalS must be positive');
  if (options.internalSecret.length === 0) throw new Error('internalSecret must not be empty');

  const store = await openLogStore(options.dbPath);
  const ledger = await createLedger({
    store,
    send: options.workerUrl === undefined ? null : workerLedgerSender(options.workerUrl, options.internalSecret),
    intervalS: options.ledgerIntervalS,
    now,
  });
  const rollups = new WindowRollups({ windowS });
  await rebuildRollups(store, rollups, now());

  let lastIngest: number | null = null;
  let current = buildScoreTable(rollups.snapshot(now()), 0, now(), windowS);
  let timer: NodeJS.Timeout | undefined;
  let pushing = false;

  async function recomputeScores(): Promise<ScoreTable> {
    const nowMs = now();
    const stats = rollups.snapshot(nowMs);
    current = buildScoreTable(stats, current.version, nowMs, windowS);
    await consoleServer.onRecompute(current, stats);
    return current;
  }

  async function tick(): Promise<void> {
    const table = await recomputeScores();
    if (options.workerUrl === undefined || pushing) return;
    pushing = true;
    try {
      const result = await pushScoreTable(options.workerUrl, options.internalSecret, table);
      if (!result.ok) console.warn(`analytics node: score push failed (${result.error}); the worker's cron pulls /scores`);
    } finally {
      pushing = false;
    }
  }

  function onStored(records: readonly LogRecord[]): void {
    const nowMs = now();
    lastIngest = nowMs;
    for (const record of records) rollups.add(record, nowMs);
  }

  const verify = adminVerifier({ adminKey: options.adminKey, workerUrl: options.workerUrl, ttlMs: options.adminCacheTtlMs, negativeTtlMs: options.adminCacheTtlMs, now });
  const consoleServer = await createConsole({
    store,
    internalSecret: options.internalSecret,
    verifyAdmin: verify,
    workerUrl: options.workerUrl,
    worker: options.consoleWorker,
    sessionTtlMs: (options.sessionTtlS ?? 8 * 3600) * 1000,
    staticDirectory: options.consoleDirectory,
    trustProxy: options.trustProxy,
    currentScores: () => current,
    now,
  });
  const identify = readerIdentifier({ internalSecret: options.internalSecret, verify, sessionAdmin: consoleServer.adminOfSession });
  const guard = readAuth(identify);

  const app = new Hono();
  app.route('/', consoleServer.api);
  app.route('/', ingestRoute({ store, internalSecret: options.internalSecret, onStored }));
  app.route('/', ledgerRoutes(ledger, options.internalSecret));
  app.route(
    '/',
    queryRoutes({
      store,
      guard,
      now,
      currentScores: () => current,
      lastIngest: () => lastIngest,
    }),
  );
  // Last: the console's files and the SPA fallback for every other GET.
  app.route('/', consoleServer.files);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((error, c) => {
    console.error('analytics node:', error);
    return c.json({ error: 'internal error' }, 500);
  });

  return {
    app,
    start() {
      if (timer !== undefined) return;
      const runTick = () => void tick().catch((error) => console.error('analytics node: score tick failed', error));
      runTick();
      timer = setInterval(runTick, scoreIntervalS * 1000);
      timer.unref();
      ledger.start();
    },
    async stop() {
      await ledger.stop();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await store.close();
    },
    recomputeScores,
    flush: () => store.flush(),
  };
}
