// Key brute force: failed authentications from one client address (cf-connecting-ip) are
// answered at once, then after a growing delay, then refused with a 429 and Retry-After in the
// caller's protocol, on every client route shape. A valid key from that same address is
// neither delayed nor refused. Thresholds are bindings; the worker's own handler is called
// with small ones so a test does not take a minute.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import { applyConfig, KEY, shapeProblem } from './routes-setup';

const POLICY = { AUTH_SLOW_AFTER_FAILURES: '2', AUTH_BLOCK_AFTER_FAILURES: '5', AUTH_BLOCK_S: '120', AUTH_DELAY_STEP_MS: '250' };
/** Anything answered faster than one delay step was not delayed. */
const STEP = 250;

type Shape = 'openai' | 'anthropic' | 'gemini';
interface Route {
  name: string;
  shape: Shape;
  path: string;
  credential: (key: string) => Record<string, string>;
}

const ROUTES: Route[] = [
  { name: 'OpenAI chat', shape: 'openai', path: '/v1/chat/completions', credential: (key) => ({ authorization: `Bearer ${key}` }) },
  { name: 'OpenAI Responses', shape: 'openai', path: '/v1/responses', credential: (key) => ({ authorization: `Bearer ${key}` }) },
  { name: 'Anthropic messages', shape: 'anthropic', path: '/v1/messages', credential: (key) => ({ 'x-api-key': key, 'anthropic-version': '2023-06-01' }) },
  { name: 'Gemini generateContent', shape: 'gemini', path: '/v1beta/models/m1:generateContent', credential: (key) => ({ 'x-goog-api-key': key }) },
];

async function send(path: string, headers: Record<string, string>, address: string | null, body = '{}', bindings: Record<string, string> = POLICY) {
  const request = new Request(`http://worker${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(address ? { 'cf-connecting-ip': address } : {}), ...headers },
    body,
  });
  const context = createExecutionContext();
  const started = Date.now();
  const response = await worker.fetch(request, { ...env, ...bindings }, context);
  await waitOnExecutionContext(context);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text), elapsed: Date.now() - started };
}

beforeAll(async () => {
  await applyConfig();
  // Warm the isolate (key cache, D1, the guard objects) so that timings below measure the guard.
  await send('/v1/chat/completions', { authorization: `Bearer ${KEY}` }, '192.0.2.1');
  await send('/v1/chat/completions', { authorization: 'Bearer sk-warm-up' }, '192.0.2.1');
});

describe('failed authentications from one address', () => {
  ROUTES.forEach((route, index) => {
    it(`${route.name}: 401 at once, then delayed, then 429 with Retry-After in its shape; a valid key still passes`, async () => {
      const address = `198.51.100.${10 + index}`;
      const wrong = route.credential(`sk-wrong-guess-${index}`);
      for (const attempt of [1, 2]) {
        const answer = await send(route.path, wrong, address);
        expect(answer.status, `attempt ${attempt}`).toBe(401);
        expect(answer.elapsed).toBeLessThan(STEP);
      }
      // Past the first threshold each failure waits one step more than the one before.
      for (const [attempt, delay] of [[3, STEP], [4, 2 * STEP], [5, 3 * STEP]] as const) {
        const answer = await send(route.path, wrong, address);
        expect(answer.status, `attempt ${attempt}`).toBe(401);
        expect(answer.elapsed).toBeGreaterThanOrEqual(delay - 5);
      }
      const refused = await send(route.path, wrong, address);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('120');
      expect(shapeProblem(route.shape, 429, refused.json)).toBeNull();
      expect(JSON.stringify(refused.json)).toContain('failed authentications');
      // Refused at once, a missing key as well.
      const missing = await send(route.path, {}, address);
      expect(missing.status).toBe(429);
      expect(missing.elapsed).toBeLessThan(STEP);

      // The valid key from the blocked address: past auth at once (the empty body is then a 400).
      const valid = await send(route.path, route.credential(KEY), address);
      expect(valid.status).toBe(400);
      expect(valid.elapsed).toBeLessThan(STEP);
      expect(shapeProblem(route.shape, 400, valid.json)).toBeNull();
      // Another address is not affected.
      expect((await send(route.path, wrong, `203.0.113.${10 + index}`)).status).toBe(401);
    });
  });

  it('a valid key is never counted: many successes between failures do not slow or block anything', async () => {
    const address = '198.51.100.50';
    for (let round = 0; round < 10; round++) {
      const valid = await send('/v1/chat/completions', { authorization: `Bearer ${KEY}` }, address);
      expect(valid.status).toBe(400);
    }
    const wrong = await send('/v1/chat/completions', { authorization: 'Bearer sk-nope' }, address);
    expect(wrong.status).toBe(401);
    expect(wrong.elapsed).toBeLessThan(STEP);
  });

  it('the verdict is shared: a block counted by another isolate (the address object) refuses here at once', async () => {
    const address = '198.51.100.60';
    const shared = env.AUTH_GUARD!.get(env.AUTH_GUARD!.idFromName(address));
    const policy = { windowMs: 60_000, slowAfter: 2, blockAfter: 5, blockMs: 300_000, delayStepMs: 0, maxDelayMs: 0 };
    for (let failure = 0; failure < 6; failure++) await shared.fail(Date.now(), policy);
    const answer = await send('/v1/messages', { 'x-api-key': 'sk-nope', 'anthropic-version': '2023-06-01' }, address);
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(290);
    expect(shapeProblem('anthropic', 429, answer.json)).toBeNull();
  });

  it('IPv6 addresses of one /64 count together', async () => {
    for (let host = 1; host <= 5; host++) expect((await send('/v1/chat/completions', {}, `2001:db8:7:7::${host}`, '{}', { ...POLICY, AUTH_DELAY_STEP_MS: '1' })).status).toBe(401);
    expect((await send('/v1/chat/completions', {}, '2001:db8:7:7:ffff::9', '{}', { ...POLICY, AUTH_DELAY_STEP_MS: '1' })).status).toBe(429);
  });

  it('the admin API is guarded the same way, and the right admin key still passes', async () => {
    const address = '198.51.100.70';
    const fast = { ...POLICY, AUTH_DELAY_STEP_MS: '1' };
    for (let failure = 1; failure <= 5; failure++) {
      expect((await send('/admin/users', { authorization: 'Bearer not-the-admin-key' }, address, '{}', fast)).status, `failure ${failure}`).toBe(401);
    }
    const refused = await send('/admin/users', { authorization: 'Bearer not-the-admin-key' }, address, '{}', fast);
    expect(refused.status).toBe(429);
    expect(shapeProblem('openai', 429, refused.json)).toBeNull();
    // A valid admin key from the blocked address reaches validation (400), not the guard.
    const valid = await send('/admin/users', { authorization: `Bearer ${env.ADMIN_KEY}` }, address, '{}', fast);
    expect(valid.status).toBe(400);
  });
});
