// Reconciliation: for every user, Σ logged charge (analytics node, final attempts) =
// Σ ledger batches (sent and acknowledged) = Σ debits in D1, and D1's balance = opening +
// credits − debits (the journal). Exit code 1 on any mismatch.
//
//   npx tsx scripts/reconcile.ts [--url WORKER] [--analytics-url URL] [--admin-key KEY]
//                                [--internal-secret SECRET] [--wait SECONDS] [--json]
// or `npm run admin -- reconcile` with the same options.
//
// First it asks the worker to ship buffered log records and the analytics node to run the
// ledger, and it compares again for up to --wait seconds (default 10), so requests that were
// still in flight when it started do not count as mismatches.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

export interface ReconcileOptions {
  workerUrl: string;
  analyticsUrl: string;
  adminKey: string;
  internalSecret: string;
  waitS?: number;
}

export interface ReconcileRow {
  user_id: string;
  logged_nanousd: number;
  batched_nanousd: number;
  applied_nanousd: number;
  d1_debits_nanousd: number;
  opening_nanousd: number;
  credits_nanousd: number;
  balance_nanousd: number;
  journal_nanousd: number;
  ok: boolean;
  problems: string[];
}

export interface ReconcileReport {
  ok: boolean;
  users: ReconcileRow[];
}

export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const deadline = Date.now() + (options.waitS ?? 10) * 1000;
  for (;;) {
    await call(options.workerUrl, '/internal/flush', options.internalSecret, 'POST');
    await call(options.analyticsUrl, '/ledger/run', options.internalSecret, 'POST');
    const report = await compare(options);
    if (report.ok || Date.now() >= deadline) return report;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function compare(options: ReconcileOptions): Promise<ReconcileReport> {
  const analytics = (await call(options.analyticsUrl, '/ledger/summary', options.internalSecret)) as {
    users: Array<{ user_id: string; logged_nanousd: number; batched_nanousd: number; applied_nanousd: number }>;
  };
  const d1 = (await call(options.workerUrl, '/admin/ledger/summary', options.adminKey)) as {
    users: Array<{ user_id: string; balance_nanousd: number; opening_nanousd: number; credits_nanousd: number; debits_nanousd: number; journal_nanousd: number }>;
  };
  const ids = [...new Set([...analytics.users.map((user) => user.user_id), ...d1.users.map((user) => user.user_id)])].sort();
  const users = ids.map((id): ReconcileRow => {
    const a = analytics.users.find((user) => user.user_id === id);
    const d = d1.users.find((user) => user.user_id === id);
    const row = {
      user_id: id,
      logged_nanousd: a?.logged_nanousd ?? 0,
      batched_nanousd: a?.batched_nanousd ?? 0,
      applied_nanousd: a?.applied_nanousd ?? 0,
      d1_debits_nanousd: -(d?.debits_nanousd ?? 0),
      opening_nanousd: d?.opening_nanousd ?? 0,
      credits_nanousd: d?.credits_nanousd ?? 0,
      balance_nanousd: d?.balance_nanousd ?? 0,
      journal_nanousd: d?.journal_nanousd ?? 0,
    };
    const problems: string[] = [];
    if (!d) problems.push('charged in the log but unknown to D1');
    if (row.batched_nanousd !== row.logged_nanousd) problems.push('logged charges not yet in a ledger batch');
    if (row.applied_nanousd !== row.batched_nanousd) problems.push('ledger batches not acknowledged by the worker');
    if (row.d1_debits_nanousd !== row.applied_nanousd) problems.push('D1 debits differ from the acknowledged ledger');
    if (row.journal_nanousd !== row.balance_nanousd) problems.push('balance differs from opening + credits − debits');
    return { ...row, ok: problems.length === 0, problems };
  });
  return { ok: users.every((user) => user.ok), users };
}

async function call(base: string, path: string, secret: string, method = 'GET'): Promise<unknown> {
  const response = await fetch(`${base.replace(/\/+$/, '')}${path}`, { method, headers: { authorization: `Bearer ${secret}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${base}${path}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

export function formatReport(report: ReconcileReport): string {
  const usd = (nano: number) => (nano / 1e9).toFixed(9);
  const lines = [['user', 'logged', 'ledger', 'd1 debits', 'opening', 'credits', 'balance', 'status'].join('\t')];
  for (const row of report.users) {
    lines.push(
      [row.user_id, usd(row.logged_nanousd), usd(row.applied_nanousd), usd(row.d1_debits_nanousd), usd(row.opening_nanousd), usd(row.credits_nanousd), usd(row.balance_nanousd), row.ok ? 'ok' : `MISMATCH: ${row.problems.join('; ')}`].join('\t'),
    );
  }
  lines.push(report.ok ? `reconciled: ${report.users.length} users, every cent accounted for` : 'reconciliation FAILED');
  return lines.join('\n');
}

export const RECONCILE_OPTIONS = {
  url: { type: 'string' },
  'analytics-url': { type: 'string' },
  'admin-key': { type: 'string' },
  'internal-secret': { type: 'string' },
  wait: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

export function reconcileOptionsFrom(values: { url?: string; 'analytics-url'?: string; 'admin-key'?: string; 'internal-secret'?: string; wait?: string }): ReconcileOptions {
  return {
    workerUrl: values.url ?? `http://127.0.0.1:${process.env.SWITCHBOARD_PORT ?? 8787}`,
    analyticsUrl: values['analytics-url'] ?? `http://127.0.0.1:${process.env.ANALYTICS_PORT ?? 8788}`,
    adminKey: values['admin-key'] ?? process.env.ADMIN_KEY ?? 'sb-admin-dev',
    internalSecret: values['internal-secret'] ?? process.env.INTERNAL_SECRET ?? 'sb-internal-dev',
    waitS: values.wait === undefined ? undefined : Number(values.wait),
  };
}

export async function runReconcile(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: RECONCILE_OPTIONS });
  if (values.help) {
    console.log('usage: npx tsx scripts/reconcile.ts [--url WORKER] [--analytics-url URL] [--admin-key KEY] [--internal-secret SECRET] [--wait SECONDS] [--json]');
    return 0;
  }
  const report = await reconcile(reconcileOptionsFrom(values));
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runReconcile(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(2);
    },
  );
}
