// Every read route of the analytics node answers only an admin credential (the bootstrap key,
// a named key the worker vouches for, an admin's console session) or the worker's internal secret;
// anything else is a 401 with no data. /ingest keeps the internal secret; /health stays open.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsNode, type AnalyticsNode } from './app';
import { adminVerifier } from './admin-verifier';
import { TEST_SECRET, ingestRequest, makeRecord, temporaryDirectory } from './test-support';

const ADMIN_KEY = 'test-bootstrap-admin-key';
const NAMED_KEY = 'sk-sb-admin-named-0001';
const READ_ROUTES = ['/stats?window=600', '/scores', '/usage', '/requests/req-1'];

let clock = 1_800_000_000_000;
let vouched = new Set([NAMED_KEY]);
let whoamiCalls = 0;
let worker: Server;
let workerUrl: string;
let node: AnalyticsNode;
const temporary = temporaryDirectory();

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  // The worker's GET /admin/whoami, as far as the node needs it.
  worker = createServer((request, response) => {
    if (request.url !== '/admin/whoami') return void response.writeHead(404).end();
    whoamiCalls += 1;
    const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!vouched.has(key)) return void response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{}}');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'adk_1', name: 'alice', scope: 'read-only' }));
  });
  await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', resolve));
  workerUrl = `http://127.0.0.1:${(worker.address() as AddressInfo).port}`;
  node = await createAnalyticsNode({ dbPath: temporary.dbPath, internalSecret: TEST_SECRET, adminKey: ADMIN_KEY, workerUrl, adminCacheTtlMs: 1_000, sessionTtlS: 60, now: () => clock });
  expect((await node.app.request('/ingest', ingestRequest([makeRecord({ ts_end: clock - 1000 })]))).status).toBe(200);
});

afterAll(async () => {
  await node.stop();
  await new Promise<void>((resolve) => worker.close(() => resolve()));
  temporary.remove();
});

describe('read routes', () => {
  it('refuse without a credential or with a wrong one: 401, no data', async () => {
    for (const route of READ_ROUTES) {
      for (const init of [{}, bearer('wrong'), bearer(''), { headers: { authorization: ADMIN_KEY } }, { headers: { cookie: 'sb_session=forged' } }]) {
        const response = await node.app.request(route, init);
        expect(response.status, route).toBe(401);
        const text = await response.text();
        expect(text, route).not.toMatch(/acme-east|gpt-4o-mini|cost_usd|entries|version/);
        expect(JSON.parse(text).error).toEqual({ message: 'Missing or invalid credentials.', type: 'authentication_error', param: null, code: null });
      }
    }
  });

  it('answer the bootstrap admin key, a named key the worker vouches for, and the internal secret', async () => {
    for (const key of [ADMIN_KEY, NAMED_KEY, TEST_SECRET]) {
      for (const route of READ_ROUTES) expect((await node.app.request(route, bearer(key))).status, `${route} with ${key}`).toBe(200);
    }
    const stats = (await (await node.app.request('/stats?window=600', bearer(NAMED_KEY))).json()) as Array<{ channel: string }>;
    expect(stats.map((row) => row.channel)).toEqual(['acme-east']);
  });

  it('ask the worker once per key and cache the answer briefly, so a revocation lands within seconds', async () => {
    clock += 10_000;
    whoamiCalls = 0;
    for (let i = 0; i < 5; i++) expect((await node.app.request('/scores', bearer(NAMED_KEY))).status).toBe(200);
    expect(whoamiCalls).toBe(1);
    vouched = new Set();
    expect((await node.app.request('/scores', bearer(NAMED_KEY))).status).toBe(200);
    clock += 1_001;
    expect((await node.app.request('/scores', bearer(NAMED_KEY))).status).toBe(401);
    for (let i = 0; i < 5; i++) await node.app.request('/scores', bearer(NAMED_KEY));
    expect(whoamiCalls).toBe(2);
    // The bootstrap key is checked here, without the worker.
    expect((await node.app.request('/scores', bearer(ADMIN_KEY))).status).toBe(200);
    expect(whoamiCalls).toBe(2);
    vouched = new Set([NAMED_KEY]);
    clock += 1_001;
  });

  it('leave /ingest to the internal secret and /health open', async () => {
    expect((await node.app.request('/ingest', ingestRequest([makeRecord({ request_id: 'x' })], ADMIN_KEY))).status).toBe(401);
    expect((await node.app.request('/ledger/summary', bearer(ADMIN_KEY))).status).toBe(401);
    expect((await node.app.request('/health')).status).toBe(200);
  });
});

describe('console sessions on the machine routes', () => {
  const signIn = (key: string) =>
    node.app.request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'admin', admin_key: key }) });

  it('sets an HttpOnly, Secure, SameSite=Strict, expiring session cookie for an admin key, and only for one', async () => {
    for (const key of ['wrong', TEST_SECRET]) {
      const refused = await signIn(key);
      expect(refused.status, key).toBe(401);
      expect(refused.headers.get('set-cookie')).toBeNull();
    }
    const signedIn = await signIn(NAMED_KEY);
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as { identity: unknown }).identity).toEqual({ kind: 'admin', id: 'adk_1', name: 'alice', scope: 'read-only' });
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sb_session=[A-Za-z0-9_-]{43};/);
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Max-Age=60', 'Path=/']) expect(cookie).toContain(attribute);
    expect(cookie).not.toContain(NAMED_KEY);
    const session = { headers: { cookie: cookie.split(';')[0]! } };
    expect((await node.app.request('/stats?window=600', session)).status).toBe(200);

    clock += 61_000;
    expect((await node.app.request('/stats?window=600', session)).status).toBe(401);
  });

  it('ends the session at sign-out', async () => {
    const cookie = (await signIn(ADMIN_KEY)).headers.get('set-cookie')!.split(';')[0]!;
    expect((await node.app.request('/scores', { headers: { cookie } })).status).toBe(200);
    const out = await node.app.request('/api/session', { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/sb_session=;.*Max-Age=0/);
    expect((await node.app.request('/scores', { headers: { cookie } })).status).toBe(401);
  });
});

describe('adminVerifier', () => {
  it('caches by hash and does not cache an unreachable worker', async () => {
    let calls = 0;
    const verify = adminVerifier({
      workerUrl: 'http://worker',
      fetch: async () => {
        calls += 1;
        throw new Error('down');
      },
    });
    expect(await verify('some-key')).toBeNull();
    expect(await verify('some-key')).toBeNull();
    expect(calls).toBe(2);
  });
});
