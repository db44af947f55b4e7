// The per-request hedging option: `"route": {"hedge": true | false}` beside the request's
// other routing options (`route.mode`, `route.weights`, `route.max_ttft_ms`; removed before
// any upstream sees the body, like all of `route`). Read here and taken out of the body the
// policy resolver validates (core/routing/policy.ts reads `route` strictly).
import { z } from 'zod';

export type HedgeOption =
  | { ok: true; hedge: boolean | undefined; body: Record<string, unknown> }
  | { ok: false; error: { message: string; param: string } };

const hedgeSchema = z.boolean();

export function splitHedgeOption(body: Record<string, unknown>): HedgeOption {
  const route = body.route;
  if (typeof route !== 'object' || route === null || Array.isArray(route) || !('hedge' in route)) return { ok: true, hedge: undefined, body };
  const { hedge, ...rest } = route as Record<string, unknown>;
  const parsed = hedgeSchema.safeParse(hedge);
  if (!parsed.success) return { ok: false, error: { message: "Invalid value for 'route.hedge': expected a boolean.", param: 'route.hedge' } };
  return { ok: true, hedge: parsed.data, body: { ...body, route: rest } };
}
