// The dashboard's sign-in for browsers: a form posting an admin key to /login, which, when
// the key is an admin credential, answers with a session cookie (HttpOnly, SameSite=Strict,
// expiring) and sends the browser back to the dashboard. The key is checked like a bearer and
// never stored. /logout ends the session. The internal secret cannot sign in: it is the
// worker's, not a person's.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AdminVerifier } from './admin-verifier';
import { SESSION_COOKIE, type SessionStore } from './sessions';

export function signInRoutes(verify: AdminVerifier, sessions: SessionStore): Hono {
  const route = new Hono();

  route.get('/login', (c) => c.html(signInPage(null)));

  route.post('/login', bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.html(signInPage('Request too large.'), 413) }), async function signIn(c) {
    const form = await c.req.parseBody();
    const key = typeof form.key === 'string' ? form.key.trim() : '';
    const identity = key === '' ? null : await verify(key);
    if (!identity) return c.html(signInPage('That is not an admin key.'), 401);
    setCookie(c, SESSION_COOKIE, sessions.create(identity), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(sessions.ttlMs / 1000),
      secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
    });
    return c.redirect('/', 303);
  });

  route.post('/logout', (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    if (session) sessions.delete(session);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });

  return route;
}

/** The sign-in form; `problem` is one of this file's fixed messages, never user input. */
export function signInPage(problem: string | null): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard analytics · sign in</title>
<style>body { font: 14px/1.4 system-ui, sans-serif; margin: 3rem auto; max-width: 24rem; color: #222; }
input { width: 100%; padding: .4rem; margin: .5rem 0; box-sizing: border-box; } .problem { color: #b00; }</style>
</head>
<body>
<h1>Switchboard analytics</h1>
${problem ? `<p class="problem">${problem}</p>` : ''}
<form method="post" action="/login">
  <label for="key">Admin key</label>
  <input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
  <button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}
