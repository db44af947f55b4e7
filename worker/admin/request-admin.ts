// Per-request admin facts, held beside the request rather than in Hono's Variables (the
// Variables type is another module's): who is calling, and what a handler wants the audit
// entry to say when the generic before/after views are not the whole story (config apply).
import type { Context } from 'hono';
import type { AdminIdentity } from './scopes';

export interface AuditNote {
  entity_id?: string | null;
  before?: unknown;
  after?: unknown;
}

const identities = new WeakMap<Request, AdminIdentity>();
const notes = new WeakMap<Request, AuditNote>();

export function setAdminIdentity(c: Context, identity: AdminIdentity): void {
  identities.set(c.req.raw, identity);
}

/** The caller of an /admin route; the guard has always set it before a handler runs. */
export function adminIdentityOf(c: Context): AdminIdentity | null {
  return identities.get(c.req.raw) ?? null;
}

export function noteAudit(c: Context, note: AuditNote): void {
  notes.set(c.req.raw, { ...notes.get(c.req.raw), ...note });
}

export function auditNoteOf(c: Context): AuditNote | null {
  return notes.get(c.req.raw) ?? null;
}
