// POST /admin/channels/{id}/test against the upstream simulator (served in-process by
// channel-test-simulator.ts): one real request through that channel alone, enabled or not,
// logged like any other attempt with its real cost and a price of 0 under the reserved
// caller `~operator-test`, never retried elsewhere, and answered as
// {ok, channel_id, model, status, ttft_ms, duration_ms, output_text?, error?}.
import { env, SELF } from 'cloudflare:test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSimulator, SIMULATOR_ORIGIN, type SimulatorFetch } from './channel-test-simulator';

const ADMIN = { authorization: `Bearer ${env.ADMIN_KEY}`, 'content-type': 'application/json' };
const INTERNAL = { authorization: `Bearer ${env.INTERNAL_SECRET}` };
const CREDENTIAL = 'sk-channel-test-upstream-credential';
const TTFT_MS = 40;

const cost = { input_per_mtok: 0.5, output_per_mtok: 1 };
const channel = (id: string, provider: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'openai',
  base_url: `${SIMULATOR_ORIGIN}/${provider}`,
  api_key: CREDENTIAL,
  models: [{ model: 'm1', upstream_model: 'upstream-m1', cost }],
  ...extra,
});

const config = {
  models: [
    { id: 'm1', price: { input_per_mtok: 1, output_per_mtok: 2 } },
    { id: 'm2', price: { input_per_mtok: 1, output_per_mtok: 2 } },
    { id: 'retired', price: { input_per_mtok: 1, output_per_mtok: 2 } },
    { id: 'emb', price: { input_per_mtok: 0.1, output_per_mtok: 0 }, capabilities: ['embeddings'] },
  ],
  channels: [
    // Its first models are an embeddings model and a disabled one: the test picks m1.
    channel('healthy', 'sim-healthy', {
      models: [
        { model: 'emb', cost },
        { model: 'retired', cost },
        { model: 'm1', upstream_model: 'upstream-m1', cost },
        { model: 'm2', upstream_model: 'upstream-m2', cost },
      ],
    }),
    channel('broken', 'sim-500'),
    // Serves m1 too: a failing test must not be retried here.
    channel('backup', 'sim-backup'),
    channel('unplugged', 'sim-down'),
    channel('parked', 'sim-parked', { enabled: false }),
    channel('claude', 'sim-anthropic', { type: 'anthropic' }),
  ],
  users: [{ id: 'u1', balance_usd: 5 }],
};

let simulator: SimulatorFetch;
const ingested: any[] = [];
let operatorKey = '';
let readerKey = '';

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await SELF.fetch(`http://worker${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as any, requestId: response.headers.get('x-request-id') };
}

const test = (id: string, body?: unknown, key = operatorKey) =>
  call('POST', `/admin/channels/${id}/test`, { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body);

/** The log records the worker shipped for one request (flushed to the captured /ingest). */
async function recordsOf(requestId: string): Promise<any[]> {
  expect((await SELF.fetch('http://worker/internal/flush', { method: 'POST', headers: INTERNAL })).status).toBe(200);
  return ingested.filter((record) => record.request_id === requestId);
}

beforeAll(async () => {
  simulator = serveSimulator(
    [
      { name: 'sim-healthy', dialect: 'openai', ttft_ms: TTFT_MS, output_tokens: 5 },
      { name: 'sim-500', dialect: 'openai', error_rate: 1, error_status: 500 },
      { name: 'sim-backup', dialect: 'openai' },
      { name: 'sim-down', dialect: 'openai', down: true },
      { name: 'sim-parked', dialect: 'openai', output_tokens: 3 },
      { name: 'sim-anthropic', dialect: 'anthropic', output_tokens: 4 },
    ],
    async (request) => {
      // The analytics node's /ingest: keep what the worker ships.
      if (new URL(request.url).pathname === '/ingest') {
        ingested.push(...((await request.json()) as { records: unknown[] }).records);
        return Response.json({ ok: true });
      }
      return new Response('unexpected outbound call', { status: 599 });
    },
  );
  expect((await call('POST', '/admin/config', ADMIN, config)).status).toBe(200);
  expect((await call('DELETE', '/admin/models/retired', ADMIN)).status).toBe(200);
  operatorKey = (await call('POST', '/admin/admin-keys', ADMIN, { name: 'tester', scope: 'operator' })).json.key;
  readerKey = (await call('POST', '/admin/admin-keys', ADMIN, { name: 'watcher', scope: 'read-only' })).json.key;
});

afterAll(() => simulator.restore());

describe('a healthy channel', () => {
  it('answers ok with the text, status, TTFT and duration, from its first enabled chat model', async () => {
    const answer = await test('healthy');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ok: true, channel_id: 'healthy', model: 'm1', status: 200 });
    expect(answer.json.output_text).toMatch(/\w/);
    expect(answer.json.error).toBeUndefined();
    // The simulator held its answer TTFT_MS: the measurement saw that wait.
    expect(answer.json.ttft_ms).toBeGreaterThanOrEqual(TTFT_MS - 5);
    expect(answer.json.duration_ms).toBeGreaterThanOrEqual(answer.json.ttft_ms);
    const [received] = simulator.received('sim-healthy');
    const sent = JSON.parse(received!.body);
    expect(sent).toMatchObject({ model: 'upstream-m1', max_tokens: 16 });
    expect(sent.stream ?? false).toBe(false);
    expect(received!.headers.authorization).toBe(`Bearer ${CREDENTIAL}`);
  });

  it('is logged like any attempt: real cost, price 0, the reserved caller, final', async () => {
    const answer = await test('healthy');
    const records = await recordsOf(answer.json.request_id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      channel_id: 'healthy',
      model: 'm1',
      upstream_model: 'upstream-m1',
      user_id: '~operator-test',
      key_id: '~operator-test',
      group_id: '~operator-test',
      status: 200,
      error_class: 'none',
      price_usd: 0,
      final: true,
      stream: false,
    });
    expect(records[0].cost_usd).toBeGreaterThan(0);
    expect(records[0].input_tokens).toBeGreaterThan(0);
    expect(answer.requestId).toBe(answer.json.request_id);
  });

  it('tests the model named in the body, and refuses one the channel does not serve', async () => {
    const answer = await test('healthy', { model: 'm2' });
    expect(answer.json).toMatchObject({ ok: true, model: 'm2' });
    expect(JSON.parse(simulator.received('sim-healthy').at(-1)!.body).model).toBe('upstream-m2');
    const refused = await test('healthy', { model: 'not-here' });
    expect(refused.status).toBe(400);
    expect(refused.json.error.param).toBe('model');
    expect((await test('healthy', { model: 'm1', stream: true })).json.error.param).toBe('stream');
  });

  it('speaks the channel dialect (an Anthropic channel)', async () => {
    const answer = await test('claude');
    expect(answer.json).toMatchObject({ ok: true, channel_id: 'claude', status: 200 });
    expect(answer.json.output_text).toMatch(/\w/);
    expect(simulator.received('sim-anthropic').at(-1)!.path).toBe('/v1/messages');
  });
});

describe('a failing channel', () => {
  it('a 500 is reported with its class, is not retried on another channel, and is logged', async () => {
    const backupBefore = simulator.received('sim-backup').length;
    const answer = await test('broken');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ ok: false, channel_id: 'broken', model: 'm1', status: 500, ttft_ms: null, error: { class: 'server' } });
    expect(answer.json.error.message).toEqual(expect.any(String));
    expect(answer.json.output_text).toBeUndefined();
    expect(simulator.received('sim-500')).toHaveLength(1);
    expect(simulator.received('sim-backup')).toHaveLength(backupBefore);
    const records = await recordsOf(answer.json.request_id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ channel_id: 'broken', status: 500, error_class: 'server', price_usd: 0, cost_usd: 0 });
  });

  it('a channel that is down answers status 0 and a connection error', async () => {
    const answer = await test('unplugged');
    expect(answer.json).toMatchObject({ ok: false, status: 0, ttft_ms: null, error: { class: 'connection' } });
  });
});

describe('a disabled channel', () => {
  it('is tested too, with its own credential, and stays disabled', async () => {
    const answer = await test('parked');
    expect(answer.json).toMatchObject({ ok: true, channel_id: 'parked', model: 'm1', status: 200 });
    expect(simulator.received('sim-parked')).toHaveLength(1);
    expect(simulator.received('sim-parked')[0]!.headers.authorization).toBe(`Bearer ${CREDENTIAL}`);
    expect((await call('GET', '/admin/channels/parked', ADMIN)).json.enabled).toBe(false);
  });
});

describe('who may test', () => {
  it('an operator may; a read-only key may not (403); no key is 401; an unknown channel is 404', async () => {
    const before = simulator.received('sim-healthy').length;
    expect((await test('healthy', undefined, readerKey)).status).toBe(403);
    expect((await call('POST', '/admin/channels/healthy/test', {})).status).toBe(401);
    expect(simulator.received('sim-healthy')).toHaveLength(before);
    expect((await test('no-such-channel')).status).toBe(404);
  });

  it('the audit log records who tested which channel, and the result', async () => {
    const answer = await test('broken');
    const audit = await call('GET', '/admin/audit?entity=channel&id=broken', ADMIN);
    const entry = audit.json.data.find((row: any) => row.request_id === answer.json.request_id);
    expect(entry).toMatchObject({ action: 'test', actor: { name: 'tester', scope: 'operator' }, after: { ok: false, status: 500 } });
  });

  it('nobody is billed: the balance and journal of every user are untouched', async () => {
    await test('healthy');
    const user = await call('GET', '/admin/users/u1', ADMIN);
    expect(user.json).toMatchObject({ balance_usd: 5, account: { available_usd: 5, reserved_usd: 0 } });
    expect((await call('GET', '/admin/users/~operator-test', ADMIN)).status).toBe(404);
  });
});
