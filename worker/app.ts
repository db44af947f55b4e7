// The Hono application: client routes in four protocols (routes/client-routes.ts), admin and
// internal routes, and the one error path for everything no route answered.
import { Hono } from 'hono';
import type { AppEnv } from './env';
import { requireSecret } from './auth/admin';
import { errorResponse } from './pipeline/respond';
import { clientRoutes } from './routes/client-routes';
import { callerProtocol } from './routes/caller-protocol';
import { internalRoutes } from './routes/internal';
import { applyConfigRoute } from './routes/admin-config';
import { adminRoutes } from './admin';
import { safeMessage } from './protocols/shared/upstream-failure';
import { isolateState } from './state';

export const app = new Hono<AppEnv>();

app.use('*', async function requestContext(c, next) {
  c.set('request_id', crypto.randomUUID());
  c.set('received_at', Date.now());
  c.set('protocol', callerProtocol(c.req.raw));
  c.set('state', isolateState(c.env));
  await next();
  c.res.headers.set('x-request-id', c.get('request_id'));
});

app.route('/', clientRoutes);

app.use('/admin/*', requireSecret('ADMIN_KEY'));
app.post('/admin/config', applyConfigRoute);
app.route('/admin', adminRoutes);
app.route('/internal', internalRoutes);

app.get('/', (c) => c.json({ name: 'switchboard', ok: true }));

app.notFound((c) => {
  const path = c.req.path.length > 200 ? `${c.req.path.slice(0, 200)}…` : c.req.path;
  return errorResponse(c, callerProtocol(c.req.raw), { kind: 'not_found', message: `No route for ${c.req.method} ${path}.` });
});

app.onError((error, c) => {
  // The name and a scrubbed message go to the log (never a key or a body: safeMessage removes
  // anything credential-shaped); the client gets a generic message in its own protocol.
  const name = error instanceof Error ? error.name : 'error';
  // Quoted text is dropped too: a JSON or zod message may quote a piece of the request body.
  const detail = error instanceof Error ? safeMessage(error.message.replace(/"[^"]*"|'[^']*'/g, '"…"')) : '';
  console.error(`request ${c.get('request_id') ?? '-'} failed: ${name}${detail ? `: ${detail}` : ''}`);
  return errorResponse(c, c.get('protocol') ?? callerProtocol(c.req.raw), { kind: 'internal', message: 'Internal error.' });
});
