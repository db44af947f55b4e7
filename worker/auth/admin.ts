// Bearer-secret guards for /admin/* (ADMIN_KEY) and /internal/* (INTERNAL_SECRET), compared
// in constant time. A worker without the secret configured refuses every call.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';
import { secretsEqual } from '../util/crypto';
import { errorResponse } from '../pipeline/respond';

export function requireSecret(binding: 'ADMIN_KEY' | 'INTERNAL_SECRET'): MiddlewareHandler<AppEnv> {
  return async function requireSecret(c, next) {
    const expected = c.env[binding];
    const header = c.req.header('authorization') ?? '';
    const given = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '';
    if (typeof expected !== 'string' || expected === '' || !(await secretsEqual(given, expected))) {
      return errorResponse(c, 'openai', { kind: 'unauthorized', message: 'Missing or invalid credentials.' });
    }
    await next();
  };
}
