// Prompt-cache affinity and hedging end to end (issue 14), on channels and simulated providers
// this file creates (the simulator's timed prompt cache, behaviour `prompt_cache`):
//  - a 5-turn conversation stays on one channel; its later turns read the cache and are
//    billed at the cached price; when that channel goes down the conversation moves;
//  - a hedged request (`route.hedge`) against a channel slowed after its scores were learned
//    is answered by the next channel; both attempts are logged, the caller is charged once;
//  - hostile input (a huge history, garbage prompt_cache_key) is answered, never a 500;
//  - channels take cache_ttl_s through the admin API.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, flushLogs, patchProvider, post, simulator, stack, waitFor } from './helpers';

const RUN = randomUUID().slice(0, 8);
const PRICE = { input_per_mtok: 1, output_per_mtok: 2, cached_input_per_mtok: 0.1 };
const COST = { input_per_mtok: 0.5, output_per_mtok: 1, cached_input_per_mtok: 0.05 };
const keys: Record<string, string> = {};

async function records(requestId: string, count: number): Promise<any[]> {
  const { analyticsUrl, internalSecret } = stack();
  return waitFor(async () => {
    await flushLogs();
    const response = await fetch(`${analyticsUrl}/requests/${encodeURIComponent(requestId)}`, { headers: { authorization: `Bearer ${internalSecret}` } });
    if (!response.ok) return null;
    const found = ((await response.json()) as { records: any[] }).records;
    return found.length >= count ? found.sort((a, b) => a.attempt - b.attempt) : null;
  }, 10_000, 200);
}

async function provider(name: string, behaviour: Record<string, unknown>) {
  await simulator(`/_sim/providers/${name}`, 'PUT', { dialect: 'openai', output_tokens: 8, ...behaviour });
}

async function channel(id: string, providerName: string, model: string, extra: Record<string, unknown> = {}) {
  const created = await admin('POST', '/admin/channels', {
    id, type: 'openai', base_url: `${stack().simUrl}/${providerName}`, api_key: 'sk-upstream-affinity',
    models: [{ model, upstream_model: 'sim-model', cost: COST }], ...extra,
  });
  expect(created.status, created.text).toBe(201);
  return created.json;
}

async function user(id: string, models: string[]) {
  expect((await admin('POST', '/admin/users', { id, balance_usd: 10 })).status).toBe(201);
  const issued = await admin('POST', '/admin/keys', { user: id, name: 'affinity', models });
  expect(issued.status).toBe(201);
  keys[id] = issued.json.key;
}

const chat = (userId: string, body: Record<string, unknown>) => post('/v1/chat/completions', body, { authorization: `Bearer ${keys[userId]}` });

beforeAll(async () => {
  for (const name of [`aff-one-${RUN}`, `aff-two-${RUN}`]) await provider(name, { ttft_ms: 5, prompt_cache: { ttl_s: 300 } });
  await provider(`hedge-slow-${RUN}`, { ttft_ms: 250 });
  await provider(`hedge-fast-${RUN}`, { ttft_ms: 5 });
  for (const model of [`m-aff-${RUN}`, `m-hedge-${RUN}`]) expect((await admin('POST', '/admin/models', { id: model, price: PRICE })).status).toBe(201);
  await channel(`ch-aff-one-${RUN}`, `aff-one-${RUN}`, `m-aff-${RUN}`);
  await channel(`ch-aff-two-${RUN}`, `aff-two-${RUN}`, `m-aff-${RUN}`);
  await channel(`ch-hedge-slow-${RUN}`, `hedge-slow-${RUN}`, `m-hedge-${RUN}`);
  await channel(`ch-hedge-fast-${RUN}`, `hedge-fast-${RUN}`, `m-hedge-${RUN}`);
  await user(`aff-user-${RUN}`, ['*']);
  await user(`hedge-user-${RUN}`, ['*']);
  await user(`warm-user-${RUN}`, ['*']);
  // The new catalog entries reach the worker within CATALOG_TTL_MS.
  await new Promise((resolve) => setTimeout(resolve, 700));
});

describe('conversation affinity', () => {
  it('a 5-turn conversation stays on one channel, later turns billed with cached tokens at the cached price, and moves when its channel goes down', async () => {
    const system = `House rules ${RUN}. ${'Answer briefly, cite the harbour, mind the tide. '.repeat(180)}`;
    const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: system }];
    const channels: string[] = [];
    for (let turn = 1; turn <= 5; turn++) {
      messages.push({ role: 'user', content: `Question ${turn}: which lighthouse?` });
      const response = await chat(`aff-user-${RUN}`, { model: `m-aff-${RUN}`, messages });
      expect(response.status, response.text.slice(0, 300)).toBe(200);
      const channelId = response.headers.get('x-switchboard-channel')!;
      channels.push(channelId);
      const usage = response.json.usage;
      const [record] = await records(response.headers.get('x-request-id')!, 1);
      expect(record.conversation).toMatch(/^[0-9a-f]{32}$/);
      expect(record.cached_input_tokens).toBe(usage.prompt_tokens_details.cached_tokens);
      if (turn > 1) {
        expect(record.cache_state).toBe('warm');
        expect(usage.prompt_tokens_details.cached_tokens).toBeGreaterThanOrEqual(1_024);
        const cached = record.cached_input_tokens;
        const expected = ((record.input_tokens - cached) * PRICE.input_per_mtok + cached * PRICE.cached_input_per_mtok + record.output_tokens * PRICE.output_per_mtok) / 1e6;
        expect(record.price_usd).toBeCloseTo(expected, 12);
        expect(response.json.usage.cost).toBeCloseTo(expected, 12);
      }
      messages.push({ role: 'assistant', content: response.json.choices[0].message.content });
    }
    expect(new Set(channels).size).toBe(1);

    const warm = channels[0]!;
    const warmProvider = warm.replace('ch-', '');
    await patchProvider(warmProvider, { down: true });
    try {
      messages.push({ role: 'user', content: 'Question 6: and now?' });
      const moved = await chat(`aff-user-${RUN}`, { model: `m-aff-${RUN}`, messages });
      expect(moved.status, moved.text.slice(0, 300)).toBe(200);
      expect(moved.headers.get('x-switchboard-channel')).not.toBe(warm);
    } finally {
      await patchProvider(warmProvider, { down: false });
    }
  });

  it('hostile input: a huge history and garbage prompt_cache_key values are answered, never a 500', async () => {
    const huge = Array.from({ length: 400 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: `turn ${index} ${'x'.repeat(2_000)}` }));
    huge.push({ role: 'user', content: 'last' });
    const response = await chat(`aff-user-${RUN}`, { model: `m-aff-${RUN}`, messages: huge });
    expect(response.status, response.text.slice(0, 200)).toBe(200);
    for (const garbage of ['\u0000💥'.repeat(3_000), 'k', { nested: ['x'] }, 12, null]) {
      const answer = await chat(`aff-user-${RUN}`, { model: `m-aff-${RUN}`, prompt_cache_key: garbage, messages: [{ role: 'user', content: 'y'.repeat(6_000) }] });
      expect([200, 400], answer.text.slice(0, 200)).toContain(answer.status);
    }
    const bad = await chat(`aff-user-${RUN}`, { model: `m-aff-${RUN}`, route: { hedge: 'yes' }, messages: [{ role: 'user', content: 'hi' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('route.hedge');
  });

  it('channels take cache_ttl_s through the admin API', async () => {
    const created = await channel(`ch-aff-ttl-${RUN}`, `aff-one-${RUN}`, `m-aff-${RUN}`, { cache_ttl_s: 3_600, enabled: false });
    expect(created.cache_ttl_s).toBe(3_600);
    const patched = await admin('PATCH', `/admin/channels/ch-aff-ttl-${RUN}`, { cache_ttl_s: null });
    expect(patched.json.cache_ttl_s).toBeNull();
    const invalid = await admin('PATCH', `/admin/channels/ch-aff-ttl-${RUN}`, { cache_ttl_s: -5 });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.param).toBe('cache_ttl_s');
  });
});

describe('hedged requests', () => {
  it('a hedge against a slowed channel is answered by the next one; both attempts are logged, the caller is charged once', async () => {
    const body = (stream: boolean) => ({
      model: `m-hedge-${RUN}`, stream, route: { hedge: true }, provider: { order: [`ch-hedge-slow-${RUN}`, `ch-hedge-fast-${RUN}`] },
      messages: [{ role: 'user', content: 'Name a harbour.' }],
    });
    // Learn the slow channel's TTFT (about 250 ms) and fill the hedge budget's request count.
    await Promise.all(Array.from({ length: 24 }, () => chat(`warm-user-${RUN}`, { ...body(false), route: { hedge: false } })));
    await patchProvider(`hedge-slow-${RUN}`, { ttft_ms: 1_300 });
    // Once the pushed scores know the slow channel, the hedge starts at its p90 and the fast channel wins.
    const requestIds: string[] = [];
    const hedged = await waitFor(async () => {
      const response = await chat(`hedge-user-${RUN}`, body(true));
      expect(response.status).toBe(200);
      requestIds.push(response.headers.get('x-request-id')!);
      return response.headers.get('x-switchboard-attempts') === '2' ? response : null;
    }, 20_000, 300);
    expect(hedged.headers.get('x-switchboard-channel')).toBe(`ch-hedge-fast-${RUN}`);
    expect(hedged.text).toContain('[DONE]');
    expect(hedged.text.match(/"finish_reason":"stop"/g)).toHaveLength(1);
    const [primary, hedge] = await records(requestIds.at(-1)!, 2);
    expect(primary).toMatchObject({ channel_id: `ch-hedge-slow-${RUN}`, hedge: 'primary', error_class: 'cancelled', final: false, price_usd: 0 });
    expect(primary.cost_usd).toBeGreaterThan(0);
    expect(hedge).toMatchObject({ channel_id: `ch-hedge-fast-${RUN}`, hedge: 'hedge', error_class: 'none', final: true });
    expect(hedge.price_usd).toBeGreaterThan(0);

    // A whole (non-streamed) answer is hedged the same way: the first whole answer wins.
    const whole = await chat(`hedge-user-${RUN}`, body(false));
    requestIds.push(whole.headers.get('x-request-id')!);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('x-switchboard-attempts')).toBe('2');
    expect(whole.json.provider).toBe(`ch-hedge-fast-${RUN}`);
    const [wholePrimary] = await records(requestIds.at(-1)!, 2);
    expect(wholePrimary).toMatchObject({ hedge: 'primary', error_class: 'cancelled', price_usd: 0 });

    // The caller paid for each answer once: what the account booked is the sum of the logged prices.
    let logged = 0;
    const hedgedIds = new Set([requestIds.at(-1), requestIds.at(-2)]);
    for (const id of requestIds) for (const record of await records(id, hedgedIds.has(id) ? 2 : 1)) logged += record.price_usd;
    const userId = `hedge-user-${RUN}`;
    const booked = await waitFor(async () => {
      const account = (await admin('GET', `/admin/users/${userId}`)).json;
      const spent = 10 - account.balance_usd + account.account.unledgered_usd;
      return account.account.reserved_usd === 0 && Math.abs(spent - logged) < 1e-8 ? spent : null;
    }, 10_000, 200);
    expect(booked).toBeCloseTo(logged, 8);
  });
});
