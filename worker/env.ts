// Bindings and per-request variables of the worker (Hono's Env).
import type { Protocol } from './core/types';
import type { KeyContext } from './auth/key-context';
import type { AccountObject } from './accounts/account-object';
import type { IsolateState } from './state';
import type { AuthGuardObject } from './auth/auth-guard-object';

export interface Bindings {
  DB: D1Database;
  /** One account object per user: balance reservations, budgets, rate limits (worker/accounts/). */
  ACCOUNTS: DurableObjectNamespace<AccountObject>;
  /**
   * One object per client address counting failed authentications across isolates
   * (worker/auth/auth-guard-object.ts). Optional: without it each isolate counts alone.
   */
  AUTH_GUARD?: DurableObjectNamespace<AuthGuardObject>;
  /** Failed authentications per address and minute answered at once / before a 429 (50 / 200). */
  AUTH_SLOW_AFTER_FAILURES?: string;
  AUTH_BLOCK_AFTER_FAILURES?: string;
  /** How long an address is refused (600 s), and the delay added per failure past the first threshold (100 ms). */
  AUTH_BLOCK_S?: string;
  AUTH_DELAY_STEP_MS?: string;
  /** Bearer secret for /admin/*: the bootstrap owner key (named admin keys live in D1). */
  ADMIN_KEY?: string;
  /**
   * Seals literal channel credentials in D1 (worker/secrets/keyring.ts): `<id>:<base64 of 32
   * bytes>[,<id>:<base64>…]`, the first being current. A secret, never a var.
   */
  CREDENTIALS_KEY?: string;
  /** Shared secret between the worker and the analytics node (ingest and score push). */
  INTERNAL_SECRET?: string;
  /** Base URL of the analytics node. */
  ANALYTICS_URL?: string;
  SCORE_PUSH_INTERVAL_S?: string;
  /** Upstream time-outs (ms): until response headers / first event, and between stream events. */
  UPSTREAM_TTFT_TIMEOUT_MS?: string;
  UPSTREAM_IDLE_TIMEOUT_MS?: string;
  /** Largest accepted request body in bytes (default 10 MiB). */
  MAX_BODY_BYTES?: string;
  /** Log shipping: records per batch and the longest a record waits (ms). */
  LOG_BATCH_SIZE?: string;
  LOG_MAX_AGE_MS?: string;
  /** Cache lifetimes (ms) for keys and the catalog. */
  KEY_CACHE_TTL_MS?: string;
  /** Admission leases (worker/accounts/lease.ts): the most money one lease holds beyond a request's need, USD (0.05). */
  LEASE_SLICE_MAX_USD?: string;
  /** …and the share of the available balance it may take (0.05). */
  LEASE_SLICE_FRACTION?: string;
  /** Share of a key's RPM / TPM one lease takes at a time (0.1). */
  LEASE_RATE_FRACTION?: string;
  CATALOG_TTL_MS?: string;
  /** Channel credentials referenced as env:NAME live here too. */
  [name: string]: unknown;
}

export interface Variables {
  request_id: string;
  protocol: Protocol;
  auth: KeyContext;
  received_at: number;
  /** The isolate's caches, live signals and log shipper: set once per request by app.ts. */
  state: IsolateState;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}

export function numberSetting(value: unknown, fallback: number): number {
  if (typeof value !== 'string' && typeof value !== 'number') return fallback;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}
