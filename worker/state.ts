// Per-isolate state: caches and live signals. Created once per isolate from the first
// request's environment (settings are read from bindings, which do not change at run time).
// Requests read it as the typed Hono variable `c.get('state')`, which app.ts's request-context
// middleware sets; only that middleware and the scheduled handler (index.ts) call isolateState.
import { KeyStore } from './auth/key-store';
import { CatalogCache, loadCatalog } from './catalog/catalog';
import { ScoreStore } from './scores/score-store';
import { LogShipper } from './logs/shipper';
import { LiveSignals } from './signals/live-signals';
import { numberSetting, type Bindings } from './env';
import { accountOf } from './accounts/account-client';
import { usdToNano } from './accounts/account-types';
import { LeaseBook } from './accounts/lease';
import type { LeaseInput } from './accounts/account-types';
import { enableWaitTrace, traced } from './logs/wait-trace';

export interface IsolateState {
  keys: KeyStore;
  catalog: CatalogCache;
  scores: ScoreStore;
  shipper: LogShipper;
  live: LiveSignals;
  /** This isolate's admission leases, one per key in use. */
  leases: LeaseBook;
  settings: {
    ttftTimeoutMs: number;
    idleTimeoutMs: number;
    maxBodyBytes: number;
    pushIntervalS: number;
  };
}

let state: IsolateState | null = null;

export function isolateState(env: Bindings): IsolateState {
  if (state) return state;
  enableWaitTrace(env.TAIL_TRACE === '1');
  state = {
    keys: new KeyStore(numberSetting(env.KEY_CACHE_TTL_MS, 10_000)),
    catalog: new CatalogCache(numberSetting(env.CATALOG_TTL_MS, 5_000), (database, now) => traced('catalog-load', () => loadCatalog(database, now))),
    scores: new ScoreStore(1_000),
    shipper: new LogShipper({
      batchSize: numberSetting(env.LOG_BATCH_SIZE, 200),
      maxAgeMs: numberSetting(env.LOG_MAX_AGE_MS, 1_000),
      bufferLimit: 50_000,
    }),
    live: new LiveSignals(),
    leases: new LeaseBook((userId, input) => traced(leaseCallKind(input), async () => accountOf(env, userId).lease(input)), {
      sliceMaxNanousd: usdToNano(numberSetting(env.LEASE_SLICE_MAX_USD, 0.05)),
      sliceFraction: numberSetting(env.LEASE_SLICE_FRACTION, 0.05),
      rateFraction: numberSetting(env.LEASE_RATE_FRACTION, 0.1),
    }),
    settings: {
      ttftTimeoutMs: numberSetting(env.UPSTREAM_TTFT_TIMEOUT_MS, 30_000),
      idleTimeoutMs: numberSetting(env.UPSTREAM_IDLE_TIMEOUT_MS, 60_000),
      maxBodyBytes: numberSetting(env.MAX_BODY_BYTES, 10 * 1024 * 1024),
      pushIntervalS: numberSetting(env.SCORE_PUSH_INTERVAL_S, 5),
    },
  };
  return state;
}

/** What a call to the account object is for, in the tail bench's trace. */
function leaseCallKind(input: LeaseInput): string {
  if (input.need_nanousd > 0) return 'lease-grant';
  if (input.close) return 'lease-close';
  return input.slice_nanousd > 0 ? 'lease-top-up' : 'lease-report';
}

/** For tests: forget the isolate state so the next request builds it again. */
export function resetIsolateState(): void {
  state = null;
}
