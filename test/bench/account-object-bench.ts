// The account object, before and after the fix that made every call O(1) amortised, side by
// side: `npx tsx test/bench/account-object-bench.ts [--seconds=10] [--rounds=2]`.
// Not part of `npm test` (or of `npm run bench`).
//
// Two Miniflare instances run the same bundled worker (bundled as scripts/stack.ts does); the
// only difference is the class behind the ACCOUNTS binding: `AccountObject` (now) or
// `LegacyAccountObject` (the first version, copied below). Each is loaded from a config with
// 100 users, one key each, and a zero-delay simulator provider. Scenarios, each for one user
// (all traffic from one big customer) and for 100 users (round-robin):
//   - pair: POST /__bench/pair — a tiny route that admits and settles once through the user's
//     object: the object's own cost plus one HTTP request;
//   - chat: POST /v1/chat/completions against the zero-delay simulator: the real request path.
// Load: autocannon, 32 connections, closed loop, in this process; rounds of old and new
// interleaved (old, new, new, old, ...). Prints a table of requests/s (median of rounds).
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DurableObject } from 'cloudflare:workers';
import { build, type Plugin } from 'esbuild';
import { Miniflare } from 'miniflare';
import { freePort, ROOT } from '../../scripts/stack';
import { applyMigrations } from '../../scripts/migrations';
import { startSimulator } from '../simulator/server';
import type { Bindings } from '../../worker/env';
import { readBalance } from '../../worker/accounts/balance';
import type { AccountStatus, AdmitInput, AdmitResult, BalanceSync, SettleInput } from '../../worker/accounts/account-types';
import { dayOf, monthOf } from '../../worker/accounts/periods';
import { refusalMessage } from '../../worker/accounts/refusals';

// autocannon ships no types.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => Promise<any>;

const USERS = 100;
const CONNECTIONS = 32;
const ADMIN_KEY = 'sb-account-bench-admin';
const keyOf = (user: number) => `sk-account-bench-${String(user).padStart(3, '0')}`;

/** Switchboard config: one zero-delay channel, 100 users with a key each and a huge balance. */
function benchConfig(simUrl: string) {
  return {
    models: [{ id: 'bench-zero', price: { input_per_mtok: 1, output_per_mtok: 2 } }],
    channels: [{ id: 'ch-zero', type: 'openai', base_url: `${simUrl}/zero-openai`, api_key: 'sk-upstream-zero', models: [{ model: 'bench-zero', cost: { input_per_mtok: 0.1, output_per_mtok: 0.2 } }] }],
    groups: [{ id: 'default', price_multiplier: 1 }],
    users: Array.from({ length: USERS }, (_, user) => ({ id: `u${user}`, group: 'default', balance_usd: 1e9 })),
    keys: Array.from({ length: USERS }, (_, user) => ({ user: `u${user}`, name: `k${user}`, key: keyOf(user), models: ['*'] })),
    routing: { mode: 'balanced', max_attempts: 1 },
  };
}

/** The worker entry for the bench: Switchboard, both object classes, and the tiny pair route. */
function entrySource(root: string): string {
  return `
import { DurableObject } from 'cloudflare:workers';
import worker from '${root}/worker/index.ts';
import { legacyAccountObjectClass } from 'legacy-account-object';
export { AccountObject } from '${root}/worker/index.ts';
export const LegacyAccountObject = legacyAccountObjectClass(DurableObject);
const NO_LIMITS = { rpm: null, tpm: null, key_daily_nanousd: null, key_monthly_nanousd: null, user_monthly_nanousd: null };
export default {
  ...worker,
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname !== '/__bench/pair') return worker.fetch(request, env, ctx);
    const user = request.headers.get('x-bench-user') ?? 'u0';
    const account = env.ACCOUNTS.get(env.ACCOUNTS.idFromName(user));
    const requestId = crypto.randomUUID();
    const base = { user_id: user, key_id: 'k-' + user, request_id: requestId };
    const admitted = await account.admit({ ...base, now: Date.now(), reserve_nanousd: 1_000_000, input_tokens: 10, limits: NO_LIMITS });
    if (!admitted.ok) return new Response(JSON.stringify(admitted), { status: 429 });
    await account.settle({ ...base, now: Date.now(), charge_nanousd: 500_000, tokens: 30 });
    return new Response('ok');
  },
};
`;
}

interface Instance {
  name: 'old' | 'new';
  url: string;
  stop(): Promise<void>;
}

async function startInstance(name: 'old' | 'new', scriptPath: string, dataDir: string, simUrl: string): Promise<Instance> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const miniflare = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: path.dirname(scriptPath),
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat'],
    host,
    port,
    d1Databases: { DB: `account-bench-${name}` },
    d1Persist: path.join(dataDir, name, 'd1'),
    durableObjects: { ACCOUNTS: { className: name === 'new' ? 'AccountObject' : 'LegacyAccountObject', useSQLite: true } },
    durableObjectsPersist: path.join(dataDir, name, 'durable-objects'),
    bindings: { ADMIN_KEY },
  });
  await miniflare.ready;
  await applyMigrations(await miniflare.getD1Database('DB'), path.join(ROOT, 'migrations'));
  const url = `http://${host}:${port}`;
  const applied = await fetch(`${url}/admin/config`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(benchConfig(simUrl)),
  });
  if (!applied.ok) throw new Error(`${name}: config apply failed: ${applied.status} ${await applied.text()}`);
  return { name, url, stop: () => miniflare.dispose() };
}

type Scenario = { route: 'pair' | 'chat'; users: 1 | 100 };

async function load(instance: Instance, scenario: Scenario, seconds: number): Promise<{ rps: number; non2xx: number; errors: number; p50: number; p99: number }> {
  let next = 0;
  const chat = JSON.stringify({ model: 'bench-zero', messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 });
  const result = await autocannon({
    url: instance.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: scenario.route === 'pair' ? '/__bench/pair' : '/v1/chat/completions',
        body: scenario.route === 'pair' ? '' : chat,
        setupRequest: (request: { headers: Record<string, string> }) => {
          const user = scenario.users === 1 ? 0 : next++ % scenario.users;
          request.headers = { ...request.headers, 'content-type': 'application/json', 'x-bench-user': `u${user}`, authorization: `Bearer ${keyOf(user)}` };
          return request;
        },
      },
    ],
  });
  return { rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, p50: result.latency.p50, p99: result.latency.p99 };
}

async function main(): Promise<void> {
  const argument = (name: string, fallback: number) => Number(process.argv.find((value) => value.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const seconds = argument('seconds', 10);
  const rounds = argument('rounds', 2);

  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'account-bench-'));
  const outfile = path.join(dataDir, 'worker', 'index.js');
  await build({
    stdin: { contents: entrySource(ROOT), resolveDir: ROOT, loader: 'ts', sourcefile: 'account-bench-entry.ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    outfile,
    external: ['cloudflare:*'],
    plugins: [legacySection()],
    logLevel: 'silent',
  });

  const zero = JSON.parse(await fs.readFile(path.join(ROOT, 'test/simulator/fleets/zero.json'), 'utf8'));
  const simulator = await startSimulator({ port: 0, host: '127.0.0.1', providers: zero.providers, seed: 7 });
  const instances: Instance[] = [];
  try {
    instances.push(await startInstance('old', outfile, dataDir, simulator.url), await startInstance('new', outfile, dataDir, simulator.url));
    const scenarios: Scenario[] = [
      { route: 'pair', users: 1 },
      { route: 'pair', users: 100 },
      { route: 'chat', users: 1 },
      { route: 'chat', users: 100 },
    ];
    const rows: string[] = [];
    for (const scenario of scenarios) {
      const label = `${scenario.route}, ${scenario.users} user${scenario.users === 1 ? '' : 's'}`;
      // Warm-up: two seconds each, not counted.
      for (const instance of instances) await load(instance, scenario, 2);
      const measured: Record<'old' | 'new', number[]> = { old: [], new: [] };
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? instances : [...instances].reverse();
        for (const instance of order) {
          const result = await load(instance, scenario, seconds);
          measured[instance.name].push(result.rps);
          console.error(`${label} · ${instance.name} · round ${round + 1}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`);
        }
      }
      const old = median(measured.old);
      const now = median(measured.new);
      rows.push(`| ${label} | ${old.toFixed(0)} | ${now.toFixed(0)} | ${(now / old).toFixed(1)} × |`);
    }
    console.log(`\n${rounds} rounds of ${seconds} s per contender and scenario, ${CONNECTIONS} connections, median requests/s\n`);
    console.log('| scenario | old object | new object | new / old |');
    console.log('|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    for (const instance of instances) await instance.stop();
    await simulator.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const LEGACY_MARKER = '// ---- the legacy account object ----';

/** The worker bundle takes only the legacy section of this file (and what it imports), not the Node side. */
function legacySection(): Plugin {
  return {
    name: 'legacy-account-object',
    setup(builder) {
      builder.onResolve({ filter: /^legacy-account-object$/ }, () => ({ path: import.meta.filename, namespace: 'legacy' }));
      builder.onLoad({ filter: /.*/, namespace: 'legacy' }, async () => {
        const source = await fs.readFile(import.meta.filename, 'utf8');
        const imports = source.split('\n').filter((line) => /^import .* from '(\.\.\/\.\.\/worker\/|cloudflare:workers)/.test(line) && !line.includes('${'));
        return { contents: [...imports, source.slice(source.lastIndexOf(LEGACY_MARKER))].join('\n'), loader: 'ts', resolveDir: import.meta.dirname };
      });
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

if (/account-object-bench\.ts$/.test(process.argv[1] ?? '')) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

// ---- the legacy account object ----
// The account object as it was before this fix (every call scanned its SQLite tables), copied
// verbatim but for its name, so both can run side by side. Built on the DurableObject base the
// worker bundle passes in, so this file needs no 'cloudflare:workers' import when run by tsx.
const LEGACY_RESERVATION_TTL_MS = 10 * 60_000;
const LEGACY_SETTLED_TTL_MS = 24 * 60 * 60_000;
const CLEANUP_EVERY_MS = 60_000;
const RATE_WINDOW_MS = 60_000;

const LEGACY_SCHEMA = [
  'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)',
  `CREATE TABLE IF NOT EXISTS reservations (request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, amount INTEGER NOT NULL,
     input_tokens INTEGER NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS reservations_expiry ON reservations (expires_at)',
  // One row per request that settled here (booked = 1) or that a ledger batch claimed
  // (ledgered = 1), whichever came first; unledgered spend = booked and not ledgered.
  `CREATE TABLE IF NOT EXISTS settled (request_id TEXT PRIMARY KEY, amount INTEGER NOT NULL, at INTEGER NOT NULL,
     booked INTEGER NOT NULL, ledgered INTEGER NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS settled_at ON settled (at)',
  'CREATE TABLE IF NOT EXISTS spend (scope TEXT NOT NULL, period TEXT NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (scope, period))',
  'CREATE TABLE IF NOT EXISTS hits (request_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, at INTEGER NOT NULL, tokens INTEGER NOT NULL)',
  'CREATE INDEX IF NOT EXISTS hits_key ON hits (key_id, at)',
];

interface Hit {
  at: number;
  tokens: number;
}

type LegacyRateVerdict = { ok: true } | { ok: false; limit: 'rpm' | 'tpm'; retry_after_ms: number; never?: boolean };

function legacyCheckRate(hits: readonly Hit[], now: number, rpm: number | null, tpm: number | null, tokens: number): LegacyRateVerdict {
  if (rpm !== null && hits.length + 1 > rpm) {
    const index = hits.length - rpm;
    return { ok: false, limit: 'rpm', retry_after_ms: Math.max(1, hits[index]!.at + RATE_WINDOW_MS - now) };
  }
  if (tpm !== null) {
    if (tokens > tpm) return { ok: false, limit: 'tpm', retry_after_ms: RATE_WINDOW_MS, never: true };
    let total = tokens;
    for (const hit of hits) total += hit.tokens;
    if (total > tpm) {
      for (const hit of hits) {
        total -= hit.tokens;
        if (total <= tpm) return { ok: false, limit: 'tpm', retry_after_ms: Math.max(1, hit.at + RATE_WINDOW_MS - now) };
      }
      return { ok: false, limit: 'tpm', retry_after_ms: RATE_WINDOW_MS };
    }
  }
  return { ok: true };
}

export function legacyAccountObjectClass(Base: typeof DurableObject<Bindings>) {
  return class LegacyAccountObject extends Base {
    readonly #sql: SqlStorage;
    #cleanedAt = 0;

    constructor(ctx: DurableObjectState, env: Bindings) {
      super(ctx, env);
      this.#sql = ctx.storage.sql;
      for (const statement of LEGACY_SCHEMA) this.#sql.exec(statement);
    }

    async admit(input: AdmitInput): Promise<AdmitResult> {
      await this.#ensureLoaded(input.user_id);
      const now = input.now;
      this.#expire(now);

      const hits = this.#hits(input.key_id, now);
      const rate = legacyCheckRate(hits, now, input.limits.rpm, input.limits.tpm, input.input_tokens);
      if (!rate.ok) {
        return { ok: false, reason: rate.limit, retry_after_ms: rate.retry_after_ms, message: refusalMessage(rate.limit, input.limits, rate.never === true) };
      }

      const reserve = Math.max(0, Math.ceil(input.reserve_nanousd));
      const keyScope = `key:${input.key_id}`;
      const budgets: Array<[limit: number | null, spent: number, reserved: number, reason: 'key_daily_budget' | 'key_monthly_budget' | 'user_monthly_budget']> = [
        [input.limits.key_daily_nanousd, this.#spent(keyScope, dayOf(now)), this.#reserved(input.key_id), 'key_daily_budget'],
        [input.limits.key_monthly_nanousd, this.#spent(keyScope, monthOf(now)), this.#reserved(input.key_id), 'key_monthly_budget'],
        [input.limits.user_monthly_nanousd, this.#spent('user', monthOf(now)), this.#reserved(null), 'user_monthly_budget'],
      ];
      for (const [limit, spent, reserved, reason] of budgets) {
        if (limit !== null && (spent + reserved + reserve > limit || spent + reserved >= limit)) {
          return { ok: false, reason, message: refusalMessage(reason, input.limits, false) };
        }
      }

      const available = this.#available();
      if (available <= 0 || reserve > available) return { ok: false, reason: 'balance', message: refusalMessage('balance', input.limits, false) };

      this.#sql.exec(
        'INSERT OR REPLACE INTO reservations (request_id, key_id, amount, input_tokens, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
        input.request_id, input.key_id, reserve, input.input_tokens, now, now + LEGACY_RESERVATION_TTL_MS,
      );
      this.#sql.exec('INSERT OR REPLACE INTO hits (request_id, key_id, at, tokens) VALUES (?, ?, ?, ?)', input.request_id, input.key_id, now, input.input_tokens);
      return { ok: true, available_nanousd: available - reserve };
    }

    /** Release the reservation and book what the request cost. Safe to call twice. */
    async settle(input: SettleInput): Promise<void> {
      await this.#ensureLoaded(input.user_id);
      this.#sql.exec('DELETE FROM reservations WHERE request_id = ?', input.request_id);
      this.#sql.exec('UPDATE hits SET tokens = ? WHERE request_id = ?', Math.max(0, Math.round(input.tokens)), input.request_id);
      const charge = Math.max(0, Math.round(input.charge_nanousd));
      if (charge === 0) return;
      const row = this.#sql.exec<{ booked: number }>('SELECT booked FROM settled WHERE request_id = ?', input.request_id).toArray()[0];
      if (row?.booked === 1) return;
      // A ledger batch may have claimed this request before it settled here (ledgered = 1):
      // then the D1 balance already includes it and only the budget windows need the charge.
      this.#sql.exec(
        `INSERT INTO settled (request_id, amount, at, booked, ledgered) VALUES (?, ?, ?, 1, 0)
         ON CONFLICT (request_id) DO UPDATE SET amount = excluded.amount, booked = 1`,
        input.request_id, charge, input.now,
      );
      const keyScope = `key:${input.key_id}`;
      this.#addSpend('user', monthOf(input.now), charge);
      this.#addSpend(keyScope, dayOf(input.now), charge);
      this.#addSpend(keyScope, monthOf(input.now), charge);
      this.#addSpend(keyScope, 'all', charge);
    }

    /** A ledger batch or a credit changed the D1 balance. Older versions than held are ignored. */
    async syncBalance(input: BalanceSync): Promise<void> {
      await this.#ensureLoaded(input.user_id);
      if (input.version > this.#meta('balance_version', 0)) {
        this.#setMeta('balance_nanousd', input.balance_nanousd);
        this.#setMeta('balance_version', input.version);
      }
      for (const requestId of input.ledgered_request_ids) {
        this.#sql.exec(
          `INSERT INTO settled (request_id, amount, at, booked, ledgered) VALUES (?, 0, ?, 0, 1)
           ON CONFLICT (request_id) DO UPDATE SET ledgered = 1`,
          requestId, input.now,
        );
      }
    }

    async status(input: { user_id: string; key_id: string; now: number }): Promise<AccountStatus> {
      await this.#ensureLoaded(input.user_id);
      this.#expire(input.now);
      const keyScope = `key:${input.key_id}`;
      const hits = this.#hits(input.key_id, input.now);
      const reserved = this.#reserved(null);
      const unledgered = this.#unledgered();
      return {
        balance_nanousd: this.#meta('balance_nanousd', 0),
        balance_version: this.#meta('balance_version', 0),
        unledgered_nanousd: unledgered,
        reserved_nanousd: reserved,
        available_nanousd: this.#available(),
        open_reservations: this.#sum('SELECT count(*) AS n FROM reservations'),
        user_month_nanousd: this.#spent('user', monthOf(input.now)),
        key: {
          day_nanousd: this.#spent(keyScope, dayOf(input.now)),
          month_nanousd: this.#spent(keyScope, monthOf(input.now)),
          total_nanousd: this.#spent(keyScope, 'all'),
          requests_last_minute: hits.length,
          tokens_last_minute: hits.reduce((sum, hit) => sum + hit.tokens, 0),
        },
      };
    }

    async #ensureLoaded(userId: string): Promise<void> {
      if (this.#meta('loaded', 0) === 1) return;
      await this.ctx.blockConcurrencyWhile(async () => {
        if (this.#meta('loaded', 0) === 1) return;
        const balance = await readBalance(this.env.DB, userId);
        this.#setMeta('balance_nanousd', balance.balance_nanousd);
        this.#setMeta('balance_version', balance.version);
        this.#setMeta('loaded', 1);
      });
    }

    #available(): number {
      return this.#meta('balance_nanousd', 0) - this.#unledgered() - this.#reserved(null);
    }

    #unledgered(): number {
      return this.#sum('SELECT coalesce(sum(amount), 0) AS n FROM settled WHERE booked = 1 AND ledgered = 0');
    }


    #expire(now: number): void {
      this.#sql.exec('DELETE FROM reservations WHERE expires_at <= ?', now);
      this.#sql.exec('DELETE FROM hits WHERE at <= ?', now - RATE_WINDOW_MS);
      if (now - this.#cleanedAt < CLEANUP_EVERY_MS) return;
      this.#cleanedAt = now;
      this.#sql.exec('DELETE FROM settled WHERE at <= ?', now - LEGACY_SETTLED_TTL_MS);
      this.#sql.exec("DELETE FROM spend WHERE period <> 'all' AND period < ?", monthOf(now - 62 * 86_400_000));
    }

    #hits(keyId: string, now: number): Hit[] {
      return this.#sql
        .exec<{ at: number; tokens: number }>('SELECT at, tokens FROM hits WHERE key_id = ? AND at > ? ORDER BY at', keyId, now - RATE_WINDOW_MS)
        .toArray();
    }

    #reserved(keyId: string | null): number {
      return keyId === null
        ? this.#sum('SELECT coalesce(sum(amount), 0) AS n FROM reservations')
        : this.#sum('SELECT coalesce(sum(amount), 0) AS n FROM reservations WHERE key_id = ?', keyId);
    }

    #spent(scope: string, period: string): number {
      return this.#sum('SELECT coalesce(sum(amount), 0) AS n FROM spend WHERE scope = ? AND period = ?', scope, period);
    }

    #addSpend(scope: string, period: string, amount: number): void {
      this.#sql.exec(
        'INSERT INTO spend (scope, period, amount) VALUES (?, ?, ?) ON CONFLICT (scope, period) DO UPDATE SET amount = amount + excluded.amount',
        scope, period, amount,
      );
    }

    #sum(query: string, ...bindings: SqlStorageValue[]): number {
      const row = this.#sql.exec<{ n: number }>(query, ...bindings).toArray()[0];
      return Number(row?.n ?? 0);
    }

    #meta(key: string, fallback: number): number {
      const row = this.#sql.exec<{ value: number }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0];
      return row === undefined ? fallback : Number(row.value);
    }

    #setMeta(key: string, value: number): void {
      this.#sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
    }
  }
}
