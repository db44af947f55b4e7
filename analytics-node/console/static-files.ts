// The console's built files (Vite's console/dist): /assets/* with immutable caching (their
// names carry a content hash), every other non-API GET the SPA's index.html (no-cache, so a
// deploy is picked up at once). Without a build, / says how to make one (503).
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

export function staticFiles(directory: string): Hono {
  const root = path.resolve(directory);
  const route = new Hono();

  route.get('/assets/*', async (c) => {
    const relative = decodeURIComponent(new URL(c.req.url).pathname).replace(/^\/+/, '');
    const file = path.resolve(root, relative);
    if (!file.startsWith(root + path.sep)) return c.json({ error: { message: 'not found' } }, 404);
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      return c.body(new Uint8Array(body), 200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=31536000, immutable',
        ...SECURITY_HEADERS,
      });
    } catch {
      return c.json({ error: { message: 'not found' } }, 404);
    }
  });

  route.get('/login', (c) => c.redirect('/', 302));

  // The SPA: any other GET that no node route answered, except the API's own namespace.
  route.get('*', async (c) => {
    if (new URL(c.req.url).pathname.startsWith('/api/')) return c.json({ error: { message: 'not found' } }, 404);
    let html: Buffer;
    try {
      html = await readFile(path.join(root, 'index.html'));
    } catch {
      return c.text('The console is not built yet: run `npm run console:build` (npm start does it for you), then reload.\n', 503, {
        'cache-control': 'no-store',
      });
    }
    return c.body(new Uint8Array(html), 200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
  });

  return route;
}
