// The request pipeline shared by every client route: body → validation → model → policy →
// admission → plan → attempts (with retries before the first byte) → response or stream →
// one log record per attempt. Wire formats live behind protocols/; routing behind core/routing.
//   models.ts        the requested model and its fallbacks, checked against the key
//   prepare.ts       policy, candidates, admission, plan
//   attempt-loop.ts  the walk down the plan; attempt.ts one attempt; attempt-report.ts its log record
import type { Context } from 'hono';
import type { Protocol } from '../core/types';
import type { AppEnv } from '../env';
import type { GatewayError } from '../errors';
import type { RouteContext } from '../protocols/types';
import { parseInbound, renderCountTokens } from '../protocols';
import { readJsonBody } from './body';
import { errorResponse } from './respond';
import { resolveModel } from './models';
import { prepareRequest } from './prepare';
import { walkAttempts } from './attempt-loop';

export async function handleGenerate(c: Context<AppEnv>, protocol: Protocol, route: RouteContext): Promise<Response> {
  const state = c.get('state');
  const fail = (error: GatewayError, headers?: Record<string, string>) => errorResponse(c, protocol, error, headers);

  const body = await readJsonBody(c.req.raw, state.settings.maxBodyBytes);
  if (!body.ok) return fail(body.error);
  const parsed = parseInbound(protocol, body.value.json, body.value.raw, route);
  if (!parsed.ok) return fail(parsed.error);
  const inbound = parsed.value;

  const now = Date.now();
  const auth = c.get('auth');
  const catalog = await state.catalog.get(c.env.DB, now, (promise) => c.executionCtx.waitUntil(promise));
  const model = resolveModel(catalog, inbound.model, auth.models);
  if (!model.ok) return fail(model.error);
  // Counted locally, never sent upstream; but only for a model that exists and the key may
  // use, exactly as generation would answer.
  if (route.operation === 'count_tokens') {
    return new Response(renderCountTokens(inbound, inbound.input_tokens_estimate), { headers: { 'content-type': 'application/json' } });
  }

  const prepared = await prepareRequest({
    env: c.env,
    state,
    auth,
    request_id: c.get('request_id'),
    inbound,
    catalog,
    model: model.value,
    debug: c.req.header('x-switchboard-debug') === '1',
    now,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
  });
  if (!prepared.ok) return fail(prepared.error, prepared.headers);
  return walkAttempts(c, inbound, catalog, prepared.value);
}
