// The console's server side, assembled: tables, sessions, invites, sign-in limits, the
// routes (/api/session, /api/invites, /api/admin/* proxy, /api/ops/*, /api/me/*), live
// events, and what each score recompute records (score history, incidents).
import path from 'node:path';
import { Hono } from 'hono';
import type { ScoreTable, WindowStats } from '../../worker/core/types';
import type { AdminIdentity, AdminVerifier } from '../admin-verifier';
import type { LogStore } from '../log-store';
import { adminProxy } from './admin-proxy';
import { csrfGuard, requireKind, withSession } from './console-auth';
import type { ConsoleEnv } from './console-env';
import { createConsoleTables, writerOf } from './console-tables';
import { dialectOf } from './console-sql';
import type { CachePrices } from './economics-queries';
import { detectIncidents, storeIncidents, type IncidentState } from './incidents';
import { InviteStore } from './invites';
import { LiveEvents } from './live-events';
import { opsRoutes } from './ops-routes';
import { overview } from './overview-queries';
import { storeScoreHistory } from './score-history';
import { ConsoleSessionStore } from './session-store';
import { sessionRoutes } from './session-routes';
import { SignInLimits } from './sign-in-limits';
import { staticFiles } from './static-files';
import { lastUsed } from './user-queries';
import { userRoutes } from './user-routes';
import { workerClient, workerJson, type WorkerClient } from './worker-client';

export const DEFAULT_CONSOLE_DIRECTORY = path.resolve(import.meta.dirname, '../../console/dist');

export interface ConsoleOptions {
  store: LogStore;
  internalSecret: string;
  verifyAdmin: AdminVerifier;
  workerUrl?: string;
  /** Injected in tests instead of calling workerUrl. */
  worker?: WorkerClient;
  sessionTtlMs: number;
  staticDirectory?: string;
  trustProxy?: boolean;
  limits?: SignInLimits;
  currentScores(): ScoreTable;
  now(): number;
}

export interface ConsoleServer {
  /** /api/* routes; mount before the node's own. */
  api: Hono<ConsoleEnv>;
  /** The built console; mount after every other route (it is the SPA fallback). */
  files: Hono;
  /** Records history and incidents, and tells live listeners. Never throws. */
  onRecompute(table: ScoreTable, stats: readonly WindowStats[]): Promise<void>;
  live: LiveEvents;
  /** The admin identity behind a console session cookie (the machine routes accept it). */
  adminOfSession(sessionId: string): AdminIdentity | null;
}

export async function createConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const { store, now } = options;
  const write = writerOf(store);
  await createConsoleTables(write, dialectOf(store));
  const sessions = await ConsoleSessionStore.open({ store, write, ttlMs: options.sessionTtlMs, csrfSecret: options.internalSecret, now });
  const invites = new InviteStore({ store, write, now });
  const live = new LiveEvents();
  const worker = options.worker ?? (options.workerUrl ? workerClient({ workerUrl: options.workerUrl, internalSecret: options.internalSecret }) : null);
  let prices: { value: CachePrices; expires: number } | null = null;

  async function cachePrices(actingAdmin: string): Promise<CachePrices | null> {
    if (prices && prices.expires > now()) return prices.value;
    if (worker === null) return null;
    const answer = await workerJson<{ data?: { id: string; price: { input_per_mtok: number; cached_input_per_mtok?: number } }[] }>(worker, { method: 'GET', path: '/admin/models', actingAdmin });
    if (!answer.ok || !Array.isArray(answer.value.data)) return null;
    const value: CachePrices = new Map(answer.value.data.map((model) => [model.id, { input_per_mtok: model.price.input_per_mtok, cached_input_per_mtok: model.price.cached_input_per_mtok ?? model.price.input_per_mtok }]));
    prices = { value, expires: now() + 30_000 };
    return value;
  }

  const api = new Hono<ConsoleEnv>();
  api.route('/', sessionRoutes({ sessions, invites, limits: options.limits ?? new SignInLimits({ now }), verifyAdmin: options.verifyAdmin, worker, trustProxy: options.trustProxy ?? false }));
  api.use('/api/admin/*', withSession(sessions), requireKind('admin'), csrfGuard(sessions));
  api.use('/api/ops/*', withSession(sessions), requireKind('admin'), csrfGuard(sessions));
  api.use('/api/me/*', withSession(sessions), requireKind('user'), csrfGuard(sessions));
  api.route('/', adminProxy(worker, sessions, () => lastUsed(store)));
  api.route('/', opsRoutes({ store, live, invites, worker, currentScores: options.currentScores, cachePrices, now }));
  api.route('/', userRoutes(store, worker, sessions, now));

  let incidentState: IncidentState = new Map();
  return {
    api,
    files: staticFiles(options.staticDirectory ?? DEFAULT_CONSOLE_DIRECTORY),
    live,
    adminOfSession(sessionId) {
      const identity = sessions.get(sessionId)?.identity;
      return identity?.kind === 'admin' ? { id: identity.id, name: identity.name, scope: identity.scope } : null;
    },
    async onRecompute(table, stats) {
      try {
        const detected = detectIncidents(incidentState, table, stats);
        incidentState = detected.state;
        await storeScoreHistory(write, table);
        await storeIncidents(write, detected.incidents);
        for (const incident of detected.incidents) live.publish({ event: 'incident', data: incident });
        if (live.size > 0) live.publish({ event: 'overview', data: await overview(store, 300, now(), table.version) });
      } catch (error) {
        console.error('analytics node: console recompute hook failed', error);
      }
    },
  };
}
