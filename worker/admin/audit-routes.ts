// GET /admin/audit?entity=&id=&actor=&since=&limit=: the audit log, newest first (any scope).
// There is no route that changes it (and the database refuses UPDATE and DELETE on it).
import { Hono } from 'hono';
import { and, desc, eq, gte, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { z } from 'zod';
import type { AppEnv } from '../env';
import { auditLog, type AuditRow } from '../db/schema';
import { formatPath } from '../config/schema';
import { invalid } from './respond';

const querySchema = z.strictObject({
  entity: z.string().min(1).max(64).optional(),
  id: z.string().min(1).max(256).optional(),
  actor: z.string().min(1).max(64).optional(),
  /** Epoch ms or an ISO date. */
  since: z
    .string()
    .transform((text, context) => {
      const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
      if (!Number.isFinite(value)) context.addIssue({ code: 'custom', message: 'epoch ms or an ISO date' });
      return value;
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const auditRoutes = new Hono<AppEnv>();

auditRoutes.get('/', async (c) => {
  const parsed = querySchema.safeParse(c.req.query());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path) || 'query';
    return invalid(c, path, `${path}: ${issue.message}`);
  }
  const { entity, id, actor, since, limit } = parsed.data;
  const filters: SQL[] = [];
  if (entity !== undefined) filters.push(eq(auditLog.entity_type, entity));
  if (id !== undefined) filters.push(eq(auditLog.entity_id, id));
  if (actor !== undefined) filters.push(eq(auditLog.actor_name, actor));
  if (since !== undefined) filters.push(gte(auditLog.at, since));
  const rows = await drizzle(c.env.DB)
    .select()
    .from(auditLog)
    .where(filters.length > 0 ? and(...filters) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit);
  return c.json({ data: rows.map(auditView) });
});

function auditView(row: AuditRow) {
  return {
    id: row.id,
    at: row.at,
    actor: { id: row.actor_id, name: row.actor_name, scope: row.actor_scope },
    action: row.action,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    before: parseJson(row.before),
    after: parseJson(row.after),
    request_id: row.request_id,
  };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
