// The account object, before and after the fix that made every call O(1) amortised, side by
// side: `npx tsx test/bench/account-object-bench.ts [--seconds=10] [--rounds=2]`.
// Not part of `npm test` (or of `npm run bench`).
//
// Two Miniflare instances run the same bundled worker (bundled as scripts/stack.ts does); the
// only difference is the class behind the ACCOUNTS binding: `AccountObject` (now) or
// `LegacyAccountObject` (the first version, checked out from git history). Each is loaded from a config with
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
import { execFileSync } from 'node:child_process';
import { Miniflare } from 'miniflare';
import { bundleWorker, freePort, ROOT } from '../../scripts/stack';
import { applyMigrations } from '../../scripts/migrations';
import { startSimulator } from '../simulator/server';

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

/**
 * The first account object (every call scanned its SQLite tables), taken from git history
 * rather than copied into this file: checked out beside worker/accounts/ so its relative
 * imports resolve, bundled, then removed.
 */
const LEGACY_COMMIT = '826ae6f';
const LEGACY_DIR = 'worker/.legacy-accounts';

async function checkOutLegacy(): Promise<void> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const files = git('ls-tree', '--name-only', `${LEGACY_COMMIT}:worker/accounts`).split('\n').filter((name) => name.endsWith('.ts'));
  await fs.mkdir(path.join(ROOT, LEGACY_DIR), { recursive: true });
  for (const file of files) {
    await fs.writeFile(path.join(ROOT, LEGACY_DIR, file), git('show', `${LEGACY_COMMIT}:worker/accounts/${file}`));
  }
}

/** The worker entry for the bench: Switchboard, both object classes, and the tiny pair route. */
function entrySource(root: string): string {
  return `
import worker from '${root}/worker/index.ts';
export { AccountObject } from '${root}/worker/index.ts';
export { AccountObject as LegacyAccountObject } from '${root}/${LEGACY_DIR}/account-object.ts';
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
  await checkOutLegacy();
  try {
    await bundleWorker(path.dirname(outfile), { stdin: { contents: entrySource(ROOT), resolveDir: ROOT, loader: 'ts', sourcefile: 'account-bench-entry.ts' } });
  } finally {
    await fs.rm(path.join(ROOT, LEGACY_DIR), { recursive: true, force: true });
  }

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
