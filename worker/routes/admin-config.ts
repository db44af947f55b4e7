// POST /admin/config: apply a whole config document (idempotent; see db/apply-config.ts).
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { validateConfig } from '../config/schema';
import { applyConfig } from '../db/apply-config';
import { readJsonBody } from '../pipeline/body';
import { isolateState } from '../state';

export async function applyConfigRoute(c: Context<AppEnv>): Promise<Response> {
  const body = await readJsonBody(c.req.raw, 16 * 1024 * 1024);
  if (!body.ok) return c.json({ error: { message: body.error.message, type: 'invalid_request_error', param: null, code: null } }, body.error.kind === 'payload_too_large' ? 413 : 400);
  const validated = validateConfig(body.value.json);
  if (!validated.ok) {
    return c.json({ error: { message: `${validated.error.path}: ${validated.error.message}`, type: 'invalid_request_error', param: validated.error.path, code: 'invalid_config' } }, 400);
  }
  const summary = await applyConfig(c.env.DB, validated.value, Date.now());
  const state = isolateState(c.env);
  state.catalog.invalidate();
  state.keys.invalidate();
  return c.json({ applied: summary });
}
