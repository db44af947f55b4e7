// Shared pieces of the admin routes: JSON bodies validated with zod into 400s naming the
// field, 404s and 409s (all GatewayErrors through the one renderer, in OpenAI's shape), and
// the isolate cache invalidation every change ends with.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from '../env';
import { formatPath } from '../config/schema';
import { readJsonBody } from '../pipeline/body';
import { errorResponse } from '../pipeline/respond';

const ADMIN_BODY_LIMIT = 1024 * 1024;

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

export async function parseBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<Parsed<z.infer<S>>> {
  const body = await readJsonBody(c.req.raw, ADMIN_BODY_LIMIT);
  if (!body.ok) return { ok: false, response: errorResponse(c, 'openai', body.error) };
  const parsed = schema.safeParse(body.value.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // A field the route does not take is named in `param` like any other bad field (zod
    // reports it on the enclosing object), so a caller learns which one to drop.
    if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
      const path = formatPath([...issue.path, issue.keys[0]!]);
      return { ok: false, response: invalid(c, path, `${path}: not accepted by this route`) };
    }
    const path = formatPath(issue.path);
    return { ok: false, response: invalid(c, path, `${path}: ${issue.message}`) };
  }
  return { ok: true, value: parsed.data };
}

/** A bad field (400) or a forbidden change (409), naming the field in `param`. */
export function invalid(c: Context<AppEnv>, param: string | null, message: string, status: 400 | 409 = 400): Response {
  const field = param === null ? {} : { param };
  return errorResponse(c, 'openai', status === 409 ? { kind: 'conflict', message, ...field } : { kind: 'invalid_request', message, ...field });
}

export function notFound(c: Context<AppEnv>, what: string, id: string): Response {
  return errorResponse(c, 'openai', { kind: 'not_found', message: `No ${what} "${id}".` });
}

/** Drop this isolate's caches; other isolates follow within KEY_CACHE_TTL_MS / CATALOG_TTL_MS. */
export function invalidateCaches(c: Context<AppEnv>, what: { keys?: boolean; catalog?: boolean }): void {
  const state = c.get('state');
  if (what.keys) state.keys.invalidate();
  if (what.catalog) state.catalog.invalidate();
}

export function parseJsonArray(text: string): unknown[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

export function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
