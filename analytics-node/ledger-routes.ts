// Ledger routes, behind the internal secret: run the ledger now (sends whatever is pending)
// and the per-user reconciliation view (scripts/reconcile.ts).
import { Hono } from 'hono';
import { internalAuth } from './internal-auth';
import type { Ledger } from './ledger';

export function ledgerRoutes(ledger: Ledger, internalSecret: string): Hono {
  const route = new Hono();
  route.use('/ledger/*', internalAuth(internalSecret));
  route.post('/ledger/run', async (c) => c.json(await ledger.run()));
  route.get('/ledger/summary', async (c) => c.json({ users: await ledger.summary() }));
  return route;
}
