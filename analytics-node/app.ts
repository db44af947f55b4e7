// The analytics node: ingest, rollups, the score loop and the read routes, wired together.
import { Hono } from 'hono';
import type { LogRecord, ScoreTable } from '../worker/core/types';
import { ingestRoute } from './ingest-route';
import { openLogStore, type LogStore } from './log-store';
import { rebuildRollups } from './queries';
import { queryRoutes } from './query-routes';
import { WindowRollups } from './rollups';
import { buildScoreTable, pushScoreTable } from './score-table';
import { createLedger, workerLedgerSender } from './ledger';
import { ledgerRoutes } from './ledger-routes';
import { adminVerifier } from './admin-verifier';
import { readAuth, readerIdentifier } from './read-auth';
import { createConsole } from './console/console-app';
import { createTelemetry } from './metrics/telemetry';
import { createClusterRole, type ClusterOptions } from './cluster/cluster-role';
import { leaderLedger, leaderLedgerSender, pushScoresAsLeader } from './cluster/leader-work';
import { scoreStatistics } from './cluster/score-source';
import { replayRoutes } from './replay/replay-routes';

export interface AnalyticsNodeOptions {
  /** The log store: a DuckDB file path, or an ANALYTICS_STORE text (`duckdb:…`, `chdb:…`, `clickhouse://…`; store/store-spec.ts). */
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
  /**
   * Several nodes over one shared store (docs/analytics-cluster.md): only the holder of the
   * worker's analytics lease recomputes and pushes scores (from the store) and runs the
   * ledger, under its lease term. Without it the node is alone and its own leader.
   */
  cluster?: ClusterOptions;
  /**
   * An already open store used instead of opening dbPath: several nodes in one process (the
   * cluster test) share one. The node does not close a store it was given.
   */
  store?: LogStore;
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

  const store = options.store ?? (await openLogStore(options.dbPath));
  const role = createClusterRole({ cluster: options.cluster, workerUrl: options.workerUrl, internalSecret: options.internalSecret, now, onLeader: () => runTick() });
  const fenced = role.clustered && options.workerUrl !== undefined;
  const ledgerCore = await createLedger({
    store,
    send:
      options.workerUrl === undefined
        ? null
        : fenced
          ? leaderLedgerSender(options.workerUrl, options.internalSecret, role)
          : workerLedgerSender(options.workerUrl, options.internalSecret),
    intervalS: options.ledgerIntervalS,
    now,
  });
  // In a cluster only the lease holder runs the ledger (it alone forms batches in the shared store).
  const ledger = fenced ? leaderLedger(ledgerCore, role, options.ledgerIntervalS ?? 5) : ledgerCore;
  const rollups = new WindowRollups({ windowS });
  await rebuildRollups(store, rollups, now());

  let lastIngest: number | null = null;
  let current = buildScoreTable(rollups.snapshot(now()), 0, now(), windowS);
  let timer: NodeJS.Timeout | undefined;
  let pushing = false;
  let ticking = false;

  async function recomputeScores(): Promise<ScoreTable> {
    const nowMs = now();
    const stats = await scoreStatistics(role, store, rollups, windowS, nowMs);
    // Past the newest version the worker holds, so versions grow across leaders (cluster/).
    const table = buildScoreTable(stats, role.versionFloor(current.version), nowMs, windowS);
    current = table;
    await consoleServer.onRecompute(table, stats);
    // This call's table, not `current`: an overlapping recompute may have replaced it meanwhile.
    return table;
  }

  async function tick(): Promise<void> {
    // Only the lease holder recomputes (and so records score history) and pushes. A tick that
    // finds the previous one still running (a slow store) is skipped: two would push one table twice.
    if (!role.isLeader() || ticking) return;
    ticking = true;
    try {
      await recomputeAndPush();
    } finally {
      ticking = false;
    }
  }

  async function recomputeAndPush(): Promise<void> {
    const table = await recomputeScores();
    if (options.workerUrl === undefined || pushing) return;
    pushing = true;
    try {
      const result = fenced
        ? await pushScoresAsLeader(options.workerUrl, options.internalSecret, role, table)
        : await pushScoreTable(options.workerUrl, options.internalSecret, table);
      // A push the lease ran out under is not a failure: the next leader pushes.
      if (!result.ok && role.isLeader()) console.warn(`analytics node: score push failed (${result.error}); the worker's cron pulls /scores`);
    } finally {
      pushing = false;
    }
  }

  function runTick(): void {
    void tick().catch((error) => console.error('analytics node: score tick failed', error));
  }

  function onStored(records: readonly LogRecord[]): void {
    const nowMs = now();
    lastIngest = nowMs;
    for (const record of records) rollups.add(record, nowMs);
    telemetry.recordStored(records);
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
  const telemetry = createTelemetry({ identify, store, currentScores: () => current, now });

  const app = new Hono();
  app.route('/', consoleServer.api);
  app.route('/', telemetry.routes); // GET /metrics, and the /ingest observer: before the ingest route
  // Logged attempts and score history for `npm run sim:routing -- --replay` (admin only).
  app.route('/', replayRoutes({ store, identify }));
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
      runTick();
      timer = setInterval(runTick, scoreIntervalS * 1000);
      timer.unref();
      ledger.start();
      // The first tick runs again as soon as the lease is held (onLeader).
      void role.start();
    },
    async stop() {
      role.stop();
      await ledger.stop();
      await telemetry.stop();
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (options.store === undefined) await store.close();
    },
    recomputeScores,
    flush: () => store.flush(),
  };
}
