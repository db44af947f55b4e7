// What an admin change is about, from its method and path: the entity type, its id (when the
// path names it) and the action. Pure, so the table can be tested without a request; a route
// the table does not know is still audited, named after its path.

export interface AuditTarget {
  entity_type: string;
  /** From the path; creates learn theirs from the answer. */
  entity_id: string | null;
  action: string;
  /** Which loader gives the before / after views (null: the answer is the after view). */
  view: ViewKind | null;
}

export type ViewKind = 'user' | 'group' | 'key' | 'channel' | 'model' | 'admin_key';

const RESOURCES: Record<string, { entity: string; view: ViewKind; deleteAction: string }> = {
  users: { entity: 'user', view: 'user', deleteAction: 'disable' },
  groups: { entity: 'group', view: 'group', deleteAction: 'delete' },
  keys: { entity: 'key', view: 'key', deleteAction: 'revoke' },
  channels: { entity: 'channel', view: 'channel', deleteAction: 'disable' },
  models: { entity: 'model', view: 'model', deleteAction: 'disable' },
  'admin-keys': { entity: 'admin_key', view: 'admin_key', deleteAction: 'revoke' },
};

export function auditTarget(method: string, path: string): AuditTarget {
  const segments = path.replace(/^\/admin\/?/, '').split('/').filter(Boolean).map(decodeSegment);
  const [resource = '', id = null, sub = null] = segments;
  const verb = method.toUpperCase();
  if (resource === 'config' && segments.length === 1) return { entity_type: 'config', entity_id: null, action: 'apply', view: null };
  // Credential rotation (worker/secrets/rotate-route.ts); no channel is named by the path.
  if (resource === 'channels' && id === 'rotate-credentials' && segments.length === 2 && verb === 'POST') {
    return { entity_type: 'channel_credentials', entity_id: null, action: 'rotate', view: null };
  }
  // "Test now" changes nothing stored, but it spends real money upstream: who ran it, and the
  // result (the answer), are on record.
  if (resource === 'channels' && id !== null && sub === 'test' && segments.length === 3 && verb === 'POST') {
    return { entity_type: 'channel', entity_id: id, action: 'test', view: null };
  }
  if (resource === 'credentials') return { entity_type: 'channel_credentials', entity_id: null, action: id ?? verb.toLowerCase(), view: null };
  if (resource === 'users' && id !== null && sub === 'credits' && segments.length === 3) {
    return { entity_type: 'user', entity_id: id, action: 'credit', view: 'user' };
  }
  const known = RESOURCES[resource];
  if (known && segments.length <= 2) {
    const action = verb === 'POST' && id === null ? 'create' : verb === 'PATCH' || verb === 'PUT' ? 'update' : verb === 'DELETE' ? known.deleteAction : verb.toLowerCase();
    return { entity_type: known.entity, entity_id: id, action, view: known.view };
  }
  // Unknown to the table: still one entry, named after the path.
  return { entity_type: resource || 'admin', entity_id: id, action: [verb.toLowerCase(), ...segments.slice(2)].join(' '), view: null };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
