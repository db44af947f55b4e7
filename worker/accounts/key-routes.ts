// For the key's owner: GET /v1/key (OpenRouter's shape, plus the balance) and GET /v1/usage
// (per model per day, from the analytics node). Neither ever shows the key or its hash.
import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { errorResponse } from '../pipeline/respond';
import { accountOf } from './account-client';
import { nanoToUsd } from './account-types';
import type { AccountStatus } from './account-types';

export async function keyInfo(c: Context<AppEnv>): Promise<Response> {
  const auth = c.get('auth');
  let status: AccountStatus;
  try {
    // What this isolate settled under its lease on the key reaches the object first: a client
    // reads its own spend right after its request.
    await c.get('state').leases.report(auth.user_id, auth.key_id);
    status = await accountOf(c.env, auth.user_id).status({ user_id: auth.user_id, key_id: auth.key_id, now: Date.now() });
  } catch {
    return errorResponse(c, 'openai', { kind: 'upstream', status: 503, error_class: 'server', message: 'Billing is briefly unavailable. Try again.' });
  }
  const monthly = auth.budget_monthly_usd;
  const daily = auth.budget_daily_usd;
  const limit = monthly ?? daily;
  const used = monthly !== null ? nanoToUsd(status.key.month_nanousd) : nanoToUsd(status.key.day_nanousd);
  return c.json({
    data: {
      label: auth.key_name,
      usage: nanoToUsd(status.key.total_nanousd),
      usage_daily: nanoToUsd(status.key.day_nanousd),
      usage_monthly: nanoToUsd(status.key.month_nanousd),
      limit,
      limit_remaining: limit === null ? null : Math.max(0, limit - used),
      limit_reset: monthly !== null ? 'monthly' : daily !== null ? 'daily' : null,
      budget_daily_usd: daily,
      budget_monthly_usd: monthly,
      is_free_tier: false,
      rate_limit: { requests: auth.rpm, interval: '1m', tokens: auth.tpm },
      balance: nanoToUsd(status.available_nanousd),
      balance_detail: {
        ledger_usd: nanoToUsd(status.balance_nanousd),
        unledgered_usd: nanoToUsd(status.unledgered_nanousd),
        reserved_usd: nanoToUsd(status.reserved_nanousd),
      },
    },
  });
}

/** GET /v1/usage?from=&to= — this key's usage per model and UTC day (epoch ms or ISO dates). */
export async function keyUsage(c: Context<AppEnv>): Promise<Response> {
  const auth = c.get('auth');
  const base = c.env.ANALYTICS_URL;
  const secret = c.env.INTERNAL_SECRET;
  if (!base || !secret) return errorResponse(c, 'openai', { kind: 'upstream', status: 503, error_class: 'server', message: 'Usage reporting is not configured.' });
  const query = new URLSearchParams({ key: auth.key_id });
  for (const name of ['from', 'to'] as const) {
    const value = c.req.query(name);
    if (value !== undefined) query.set(name, value);
  }
  let response: Response;
  try {
    response = await fetch(`${base.replace(/\/+$/, '')}/usage?${query}`, { headers: { authorization: `Bearer ${secret}` }, signal: AbortSignal.timeout(10_000) });
  } catch {
    return errorResponse(c, 'openai', { kind: 'upstream', status: 503, error_class: 'connection', message: 'Usage reporting is briefly unavailable. Try again.' });
  }
  const body = (await response.json().catch(() => null)) as unknown;
  if (response.status === 400) {
    const detail = body as { error?: string; path?: string } | null;
    return errorResponse(c, 'openai', { kind: 'invalid_request', message: detail?.error ?? 'Invalid query.', param: detail?.path || 'from' });
  }
  if (!response.ok || !Array.isArray(body)) {
    return errorResponse(c, 'openai', { kind: 'upstream', status: 503, error_class: 'server', message: 'Usage reporting is briefly unavailable. Try again.' });
  }
  return c.json({
    object: 'list',
    data: body.map((row: Record<string, unknown>) => ({
      date: row.day,
      model: row.model,
      requests: row.requests,
      input_tokens: row.input_tokens,
      output_tokens: row.output_tokens,
      usage: row.revenue_usd,
    })),
  });
}
