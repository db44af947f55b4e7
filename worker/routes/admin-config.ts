// POST /admin/config: apply a whole config document (idempotent; see db/apply-config.ts).
// Literal channel credentials are sealed under CREDENTIALS_KEY on the way in (refused, with
// the field named, when no key is configured).
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { validateConfig } from '../config/schema';
import { applyConfig } from '../db/apply-config';
import { readJsonBody } from '../pipeline/body';
import { errorResponse } from '../pipeline/respond';
import { noteAudit } from '../admin/request-admin';
import { credentialKeyring } from '../secrets/keyring';

export async function applyConfigRoute(c: Context<AppEnv>): Promise<Response> {
  const body = await readJsonBody(c.req.raw, 16 * 1024 * 1024);
  if (!body.ok) return errorResponse(c, 'openai', body.error);
  const validated = validateConfig(body.value.json);
  if (!validated.ok) {
    return errorResponse(c, 'openai', { kind: 'invalid_request', message: `${validated.error.path}: ${validated.error.message}`, param: validated.error.path });
  }
  const config = validated.value;
  const applied = await applyConfig(c.env.DB, config, Date.now(), await credentialKeyring(c.env));
  if (!applied.ok) return errorResponse(c, 'openai', applied.error);
  const summary = applied.value;
  // The audit entry names what the document touched (ids, never a key or a credential).
  noteAudit(c, {
    after: {
      applied: summary,
      models: config.models.map((model) => model.id),
      channels: config.channels.map((channel) => channel.id),
      groups: config.groups.map((group) => group.id),
      users: config.users.map((user) => user.id),
      keys: config.keys.map((key) => ({ user: key.user, name: key.name })),
    },
  });
  const state = c.get('state');
  state.catalog.invalidate();
  state.keys.invalidate();
  return c.json({ applied: summary });
}
