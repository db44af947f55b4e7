// POST /internal/analytics-lease {node_id, ttl_s} → {leader, holder, term, expires_at, change,
// score_version}: acquire the analytics nodes' lease when it is free or expired (term + 1),
// renew it when the caller holds it. Mounted under /internal (INTERNAL_SECRET).
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { readJsonBody } from '../pipeline/body';
import { errorResponse } from '../pipeline/respond';
import { formatPath } from '../config/schema';
import { ANALYTICS_LEASE, leaseRequestSchema } from './lease-rules';
import { askForLease } from './lease-store';

export const analyticsLeaseRoutes = new Hono<AppEnv>();

analyticsLeaseRoutes.post('/analytics-lease', async (c) => {
  const body = await readJsonBody(c.req.raw, 4 * 1024);
  if (!body.ok) return errorResponse(c, 'openai', body.error);
  const parsed = leaseRequestSchema.safeParse(body.value.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path);
    return errorResponse(c, 'openai', { kind: 'invalid_request', message: `${path || 'body'}: ${issue.message}`, param: path });
  }
  const answer = await askForLease(c.env.DB, ANALYTICS_LEASE, parsed.data, Date.now());
  if (!answer.ok) return errorResponse(c, 'openai', { kind: 'conflict', message: answer.error });
  return c.json(answer.value);
});
