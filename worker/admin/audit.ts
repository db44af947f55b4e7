// The audit log's writer: wrapped around every /admin request by the admin guard, it appends
// one row per change that succeeded (2xx) — who, what, before → after, when, request id —
// with every secret field removed. Reads (GET) are not changes and write nothing. Routes the
// target table does not know are still recorded, named after their path, so a new admin route
// is audited before anyone remembers to add it.
import type { Context, Next } from 'hono';
import { drizzle } from 'drizzle-orm/d1';
import { eq } from 'drizzle-orm';
import type { AppEnv } from '../env';
import { apiKeys, auditLog, groups, models, users } from '../db/schema';
import { auditTarget, type AuditTarget, type ViewKind } from './audit-targets';
import { scrubSecrets } from './audit-scrub';
import { auditNoteOf } from './request-admin';
import { isReadMethod, type AdminIdentity } from './scopes';
import { userView } from './users';
import { groupView } from './groups';
import { keyView } from './keys';
import { loadView as loadChannelView } from './channels';
import { modelView } from './models';
import { loadAdminKeyView } from './admin-keys';

/**
 * Who made a change: an admin identity, or an end user acting on their own account through
 * the console (`user:<id>`, scope `user`: worker/routes/internal-users.ts).
 */
export interface AuditActor {
  id: string;
  name: string;
  scope: AdminIdentity['scope'] | 'user';
}

/** `target` defaults to what the /admin path names; other routes say what they change. */
export async function auditChange(c: Context<AppEnv>, identity: AuditActor, next: Next, target: AuditTarget = auditTarget(c.req.method, c.req.path)): Promise<void> {
  const method = c.req.method.toUpperCase();
  if (isReadMethod(method)) return next();
  const before = target.view && target.entity_id !== null ? await loadEntityView(c.env.DB, target.view, target.entity_id) : null;
  await next();
  if (c.res.status < 200 || c.res.status >= 300) return;
  const note = auditNoteOf(c);
  const answer = await answerOf(c.res);
  const entityId = note?.entity_id !== undefined ? note.entity_id : (target.entity_id ?? idOf(answer));
  const after =
    note?.after !== undefined ? note.after : target.view && entityId !== null ? await loadEntityView(c.env.DB, target.view, entityId) : answer;
  try {
    await drizzle(c.env.DB)
      .insert(auditLog)
      .values({
        at: Date.now(),
        actor_id: identity.id,
        actor_name: identity.name,
        actor_scope: identity.scope,
        action: target.action,
        entity_type: target.entity_type,
        entity_id: entityId,
        before: jsonOrNull(note?.before !== undefined ? note.before : before),
        after: jsonOrNull(after),
        request_id: c.get('request_id') ?? '',
      });
  } catch (error) {
    // The change itself is committed; answering 500 now would invite a retry that repeats it.
    console.error(`audit: write failed for ${target.action} ${target.entity_type}: ${error instanceof Error ? error.name : 'error'}`);
  }
}

/** The entity as an operator sees it through the admin API (the GET view), or null. */
export async function loadEntityView(database: D1Database, kind: ViewKind, id: string): Promise<unknown> {
  const db = drizzle(database);
  switch (kind) {
    case 'user': {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row ? userView(row) : null;
    }
    case 'group': {
      const [row] = await db.select().from(groups).where(eq(groups.id, id)).limit(1);
      return row ? groupView(row) : null;
    }
    case 'key': {
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
      return row ? keyView(row) : null;
    }
    case 'channel':
      return loadChannelView(database, id);
    case 'model': {
      const [row] = await db.select().from(models).where(eq(models.id, id)).limit(1);
      return row ? modelView(row) : null;
    }
    case 'admin_key':
      return loadAdminKeyView(database, id);
  }
}

async function answerOf(response: Response): Promise<unknown> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return null;
  try {
    return await response.clone().json();
  } catch {
    return null;
  }
}

function idOf(answer: unknown): string | null {
  const id = typeof answer === 'object' && answer !== null ? (answer as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(scrubSecrets(value));
}
