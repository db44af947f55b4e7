// POST /admin/config: apply a whole config document (idempotent; see db/apply-config.ts).
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { validateConfig } from '../config/schema';
import { applyConfig } from '../db/apply-config';
import { readJsonBody } from '../pipeline/body';
import { errorResponse } from '../pipeline/respond';
import { isolateState } from '../state';

export async function applyConfigRoute(c: Context<AppEnv>): Promise<Response> {
  const body = await readJsonBody(c.req.raw, 16 * 1024 * 1024);
  if (!body.ok) return errorResponse(c, 'openai', body.error);
  const validated = validateConfig(body.value.json);
  if (!validated.ok) {
    return errorResponse(c, 'openai', { kind: 'invalid_request', message: `${validated.error.path}: ${validated.error.message}`, param: validated.error.path });
  }
  const summary = await applyConfig(c.env.DB, validated.value, Date.now());
  const state = isolateState(c.env);
  state.catalog.invalidate();
  state.keys.invalidate();
  return c.json({ applied: summary });
}
