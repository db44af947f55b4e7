// `npm run sim:routing -- --replay FROM..TO [--url URL] [--admin-key KEY] [--db PATH]`: read a
// window of logged attempts and score history, rebuild it (reconstruct.ts) and replay it
// under every strategy (or those named), into the scenario table (docs/routing-replay.md).
import type { ScenarioReport } from '../metrics';
import { STRATEGIES, strategyByName } from '../strategies/index';
import type { Strategy } from '../strategies/strategy';
import { DEFAULT_BUCKET_MS, reconstruct } from './reconstruct';
import { DEFAULT_REPLAY_OPTIONS, replayStrategy, type ReplayOptions } from './replay-engine';
import type { ReplayModel } from './replay-model';
import { replayDescription, replayReport } from './replay-report';
import { duckdbSource, httpSource, ReplaySourceError, type ReplaySource } from './replay-source';
import { parseReplayWindow } from './replay-window';

export const DEFAULT_ANALYTICS_URL = 'http://127.0.0.1:8788';

export interface ReplayCommandOptions {
  /** FROM..TO or last:15m. */
  window: string;
  /** The analytics node (default DEFAULT_ANALYTICS_URL), read with the admin key... */
  url?: string;
  adminKey?: string;
  /** ...or a DuckDB file read directly. */
  db?: string;
  /** Strategy names; all when empty. */
  strategies?: readonly string[];
  replay?: Partial<ReplayOptions>;
  bucket_ms?: number;
  now?: number;
}

export type ReplayCommandResult =
  | { ok: true; value: { report: ScenarioReport; description: string; model: ReplayModel } }
  | { ok: false; error: string };

export async function runReplayCommand(options: ReplayCommandOptions): Promise<ReplayCommandResult> {
  const window = parseReplayWindow(options.window, options.now ?? Date.now());
  if (!window.ok) return window;
  const { from, to } = window.value;
  let strategies: readonly Strategy[];
  try {
    strategies = options.strategies === undefined || options.strategies.length === 0 ? STRATEGIES : options.strategies.map(strategyByName);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  if (options.db === undefined && (options.adminKey === undefined || options.adminKey.length === 0)) {
    return { ok: false, error: 'an admin key is needed to read the analytics node: ADMIN_KEY or --admin-key (sb-admin-dev under npm start), or --db PATH for a stopped node\'s file' };
  }
  let source: ReplaySource | null = null;
  let model: ReplayModel;
  try {
    source = options.db !== undefined ? await duckdbSource(options.db) : httpSource(options.url ?? DEFAULT_ANALYTICS_URL, options.adminKey!);
    const [attempts, history] = [await source.attempts(from, to), await source.scores(from, to)];
    model = reconstruct(attempts, history, { from, to, bucket_ms: options.bucket_ms ?? DEFAULT_BUCKET_MS });
  } catch (error) {
    if (error instanceof ReplaySourceError) return { ok: false, error: error.message };
    throw error;
  } finally {
    await source?.close();
  }
  if (model.requests.length === 0) {
    return { ok: false, error: `no logged requests between ${new Date(from).toISOString()} and ${new Date(to).toISOString()}: nothing to replay` };
  }
  const replayOptions = { ...DEFAULT_REPLAY_OPTIONS, ...options.replay };
  const runs = strategies.map((strategy) => replayStrategy(model, strategy, replayOptions));
  const report = replayReport(model, runs);
  const description = replayDescription(model, replayOptions.cache_ttl_s);
  return { ok: true, value: { report, description, model } };
}
