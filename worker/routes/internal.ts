// Internal routes between the analytics node and the worker, guarded by INTERNAL_SECRET:
// the score push, ledger batches, a health view of this isolate's counters, the per-user
// account routes the console calls for its signed-in end users (internal-users.ts), and the
// analytics nodes' lease (worker/cluster/): pushes and batches carry the holder's term and a
// term that is no longer current is refused (409).
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { requireSecret } from '../auth/admin';
import { scoreTableSchema } from '../scores/score-store';
import { readJsonBody } from '../pipeline/body';
import { errorResponse } from '../pipeline/respond';
import { analyticsSender } from '../logs/shipper';
import { applyLedgerBatch, ledgerBatchSchema } from '../accounts/ledger-apply';
import { formatPath } from '../config/schema';
import { internalUserRoutes } from './internal-users';
import { analyticsLeaseRoutes } from '../cluster/lease-route';
import { LEASE_TERM_HEADER, fenceRefusal, termOf } from '../cluster/fencing';

export const internalRoutes = new Hono<AppEnv>();

internalRoutes.use('*', requireSecret('INTERNAL_SECRET'));

internalRoutes.route('/users', internalUserRoutes);
internalRoutes.route('/', analyticsLeaseRoutes);

internalRoutes.post('/scores', async (c) => {
  const state = c.get('state');
  const body = await readJsonBody(c.req.raw, 32 * 1024 * 1024);
  // An oversized body is a 413, anything else unreadable a 400 (the error says which).
  if (!body.ok) return errorResponse(c, 'openai', body.error);
  const parsed = scoreTableSchema.safeParse(body.value.json);
  if (!parsed.success) {
    const path = formatPath(parsed.error.issues[0]?.path ?? []);
    return errorResponse(c, 'openai', { kind: 'invalid_request', message: `Invalid score table at ${path}.`, param: path });
  }
  const fenced = await fenceRefusal(c, 'Score push', Date.now());
  if (fenced) return fenced;
  const accepted = await state.scores.save(c.env.DB, parsed.data, Date.now());
  return c.json({ accepted, version: parsed.data.version });
});

internalRoutes.get('/health', async (c) => {
  const state = c.get('state');
  const snapshot = await state.scores.get(c.env.DB, Date.now());
  return c.json({
    ok: true,
    logs: state.shipper.counters,
    scores: { version: snapshot.table?.version ?? null, received_at: snapshot.received_at },
  });
});

internalRoutes.post('/flush', async (c) => {
  const state = c.get('state');
  // What settled under this isolate's admission leases reaches the account objects now, and idle leases close.
  await state.leases.flush(true);
  if (c.env.ANALYTICS_URL && c.env.INTERNAL_SECRET) {
    await state.shipper.flush(analyticsSender(c.env.ANALYTICS_URL, c.env.INTERNAL_SECRET));
    // Batches other requests are sending: wait (by polling, never on their promises) a moment.
    for (let waited = 0; state.shipper.pending > 0 && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return c.json({ logs: state.shipper.counters });
});

// Ledger batches (worker/accounts/ledger-apply.ts): 200 when applied now or before; 503 when
// a user's account object did not hear of it (the analytics node sends the batch again).
internalRoutes.post('/ledger', async (c) => {
  const body = await readJsonBody(c.req.raw, 64 * 1024 * 1024);
  if (!body.ok) return errorResponse(c, 'openai', body.error);
  const parsed = ledgerBatchSchema.safeParse(body.value.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return errorResponse(c, 'openai', { kind: 'invalid_request', message: `${formatPath(issue.path)}: ${issue.message}`, param: formatPath(issue.path) });
  }
  const fenced = await fenceRefusal(c, 'Ledger batch', Date.now());
  if (fenced) return fenced;
  // Checked again inside the batch's D1 transaction: a takeover between here and there is refused too.
  const term = termOf(c.req.header(LEASE_TERM_HEADER));
  const outcome = await applyLedgerBatch(c.env, parsed.data, Date.now(), { term: term.ok ? term.value : null });
  if (!outcome.ok && outcome.reason === 'stale_term') {
    return errorResponse(c, 'openai', { kind: 'conflict', message: 'Ledger batch refused: the analytics lease changed hands.', param: LEASE_TERM_HEADER });
  }
  if (!outcome.ok) return errorResponse(c, 'openai', { kind: 'unprocessable', message: `${outcome.reason}: ${outcome.users.join(', ')}` });
  return c.json(outcome, outcome.synced ? 200 : 503);
});
