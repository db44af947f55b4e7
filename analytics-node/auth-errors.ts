// The analytics node's refusals, in the worker's OpenAI error shape
// (`{"error":{message,type,param,code}}`): a 401 carries no data, only what is missing.
import type { Context } from 'hono';

export function unauthorized(c: Context, message = 'Missing or invalid credentials.'): Response {
  return c.json({ error: { message, type: 'authentication_error', param: null, code: null } }, 401, { 'www-authenticate': 'Bearer' });
}
