// The Hono application: client routes in three protocols, admin and internal routes.
import { Hono } from 'hono';
import type { AppEnv } from './env';
import type { Protocol } from './core/types';
import { authenticate } from './auth/authenticate';
import { requireSecret } from './auth/admin';
import { handleGenerate } from './pipeline/generate';
import { errorResponse, protocolOfPath } from './pipeline/respond';
import { listModels } from './routes/models';
import { internalRoutes } from './routes/internal';
import { applyConfigRoute } from './routes/admin-config';
import { adminRoutes } from './admin';
import { keyInfo, keyUsage } from './accounts/key-routes';

export const app = new Hono<AppEnv>();

app.use('*', async function requestContext(c, next) {
  c.set('request_id', crypto.randomUUID());
  c.set('received_at', Date.now());
  c.set('protocol', protocolOfPath(c.req.path));
  await next();
  c.res.headers.set('x-request-id', c.get('request_id'));
});

const openai = authenticate('openai');
const anthropic = authenticate('anthropic');
const gemini = authenticate('gemini');

app.post('/v1/chat/completions', openai, (c) => handleGenerate(c, 'openai', { operation: 'generate' }));
app.post('/v1/embeddings', openai, (c) => handleGenerate(c, 'openai', { operation: 'embed' }));
app.get('/v1/models', openai, listModels);
app.get('/v1/key', openai, keyInfo);
app.get('/v1/usage', openai, keyUsage);
app.post('/v1/messages', anthropic, (c) => handleGenerate(c, 'anthropic', { operation: 'generate' }));
app.post('/v1/messages/count_tokens', anthropic, (c) => handleGenerate(c, 'anthropic', { operation: 'count_tokens' }));
app.post('/v1beta/models/*', gemini, (c) => {
  // Gemini puts the model and the method in the path: /v1beta/models/{model}:{method}.
  // Hono has already percent-decoded the path (leaving malformed escapes as they are).
  const rest = c.req.path.slice('/v1beta/models/'.length);
  const colon = rest.lastIndexOf(':');
  const model = colon > 0 ? rest.slice(0, colon) : '';
  const method = colon > 0 ? rest.slice(colon + 1) : '';
  if (method === 'generateContent') return handleGenerate(c, 'gemini', { operation: 'generate', path_model: model, path_stream: false });
  if (method === 'streamGenerateContent') return handleGenerate(c, 'gemini', { operation: 'generate', path_model: model, path_stream: true });
  if (method === 'countTokens') return handleGenerate(c, 'gemini', { operation: 'count_tokens', path_model: model });
  return errorResponse(c, 'gemini', { kind: 'not_found', message: `Unknown method "${method}".` });
});

app.use('/admin/*', requireSecret('ADMIN_KEY'));
app.post('/admin/config', applyConfigRoute);
app.route('/admin', adminRoutes);
app.route('/internal', internalRoutes);

app.get('/', (c) => c.json({ name: 'switchboard', ok: true }));

app.notFound((c) => errorResponse(c, protocolOfPath(c.req.path), { kind: 'not_found', message: `No route for ${c.req.method} ${c.req.path}.` }));

app.onError((error, c) => {
  // The detail stays in the log; the client gets a generic message in its own protocol.
  console.error(`request ${c.get('request_id') ?? '-'} failed: ${error instanceof Error ? error.name : 'error'}`);
  const protocol: Protocol = c.get('protocol') ?? protocolOfPath(c.req.path);
  return errorResponse(c, protocol, { kind: 'internal', message: 'Internal error.' });
});
