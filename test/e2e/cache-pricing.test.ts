// Prompt-cache money end to end (issue #9, part 6): an Anthropic Messages request whose long
// system prompt carries cache_control, sent twice to m-cache (channel ch-anthropic-cache):
// the first writes the cache (5-minute or 1-hour), the second reads it. The log record's
// tokens match what the client was told, and its cost and price match rates computed by
// hand from test/e2e/config.json; the ledger debits the user exactly the logged prices.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { flushLogs, post, stack, waitFor, admin } from './helpers';

const USER = 'e2e-cache-payer';
const NANO = 1_000_000_000;
/** USD per million tokens, from test/e2e/config.json: m-cache's price, ch-anthropic-cache's cost. */
const PRICE = { input: 3, output: 15, read: 0.3, write: 3.75, write1h: 6 };
const COST = { input: 2, output: 10, read: 0.2, write: 2.5, write1h: 4 };
let key = '';
const charged: number[] = [];


async function finalRecord(requestId: string): Promise<any> {
  const { analyticsUrl, internalSecret } = stack();
  const records = await waitFor(async () => {
    await flushLogs();
    const response = await fetch(`${analyticsUrl}/requests/${encodeURIComponent(requestId)}`, { headers: { authorization: `Bearer ${internalSecret}` } });
    return response.ok ? ((await response.json()) as { records: any[] }).records : null;
  }, 10_000, 200);
  return records.find((record) => record.final);
}

interface Tokens {
  input: number;
  read: number;
  write: number;
  write1h: number;
  output: number;
}

/** Hand-computed: every input token is exactly one of uncached, read, 5-minute write, 1-hour write. */
function dollars(tokens: Tokens, rates: typeof PRICE): number {
  const uncached = tokens.input - tokens.read - tokens.write - tokens.write1h;
  return (
    (uncached * rates.input + tokens.read * rates.read + tokens.write * rates.write + tokens.write1h * rates.write1h + tokens.output * rates.output) / 1e6
  );
}

/** What Anthropic told the client, in the log's terms (its input_tokens exclude cache reads and writes). */
function tokensFromAnthropic(usage: any): Tokens {
  const created = usage.cache_creation_input_tokens ?? 0;
  const oneHour = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0;
  return {
    input: usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + created,
    read: usage.cache_read_input_tokens ?? 0,
    write: created - oneHour,
    write1h: oneHour,
    output: usage.output_tokens,
  };
}

function cachedRequest(ttl: '5m' | '1h' | null, stream: boolean) {
  // ~1,500 tokens of system prompt, unique to this run and case so the simulator's cache starts cold.
  const system = `You are a careful assistant (${randomUUID()}). ${'Consider every harbour, tide and lighthouse. '.repeat(140)}`;
  const cacheControl = ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  return {
    model: 'm-cache',
    max_tokens: 100,
    ...(stream ? { stream: true } : {}),
    system: [{ type: 'text', text: system, cache_control: cacheControl }],
    messages: [{ role: 'user', content: 'Name one lighthouse.' }],
  };
}

/** Usage of an Anthropic SSE body: message_start's, updated by message_delta's. */
function streamUsage(text: string): any {
  let usage: any = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const event = JSON.parse(line.slice(6));
    if (event.type === 'message_start') usage = { ...event.message.usage };
    if (event.type === 'message_delta' && event.usage) usage = { ...usage, ...Object.fromEntries(Object.entries(event.usage).filter(([, value]) => value !== null)) };
  }
  return usage;
}

async function send(body: Record<string, unknown>) {
  const response = await post('/v1/messages', body, { authorization: `Bearer ${key}`, 'anthropic-version': '2023-06-01' });
  expect(response.status, response.text.slice(0, 300)).toBe(200);
  expect(response.headers.get('x-switchboard-channel')).toBe('ch-anthropic-cache');
  const usage = body.stream ? streamUsage(response.text) : response.json.usage;
  const record = await finalRecord(response.headers.get('x-request-id')!);
  return { usage, record };
}

function expectPriced(record: any, tokens: Tokens): void {
  expect(record).toMatchObject({
    usage_estimated: false,
    input_tokens: tokens.input,
    cached_input_tokens: tokens.read,
    cache_write_tokens: tokens.write,
    cache_write_1h_tokens: tokens.write1h,
    output_tokens: tokens.output,
  });
  expect(record.cost_usd).toBeCloseTo(dollars(tokens, COST), 12);
  expect(record.price_usd).toBeCloseTo(dollars(tokens, PRICE), 12);
  charged.push(Math.round(record.price_usd * NANO));
}

beforeAll(async () => {
  const created = await admin('POST', '/admin/users', { id: USER, balance_usd: 10 });
  expect([201, 409]).toContain(created.status);
  const issued = await admin('POST', '/admin/keys', { user: USER, name: 'cache', models: ['m-cache'] });
  expect(issued.status).toBe(201);
  key = issued.json.key;
});

describe('prompt-cache prices and costs', () => {
  it('the admin API returns the cache rates config apply stored, and takes new ones', async () => {
    const model = await admin('GET', '/admin/models/m-cache');
    expect(model.json.price).toEqual({ input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3, cache_write_per_mtok: 3.75, cache_write_1h_per_mtok: 6 });
    const channel = await admin('GET', '/admin/channels/ch-anthropic-cache');
    expect(channel.json.models[0].cost).toEqual({ input_per_mtok: 2, output_per_mtok: 10, cached_input_per_mtok: 0.2, cache_write_per_mtok: 2.5, cache_write_1h_per_mtok: 4 });
    const created = await admin('POST', '/admin/models', { id: 'm-cache-admin', price: { input_per_mtok: 1, output_per_mtok: 2, cache_write_1h_per_mtok: 2 } });
    expect(created.status).toBe(201);
    expect(created.json.price).toEqual({ input_per_mtok: 1, output_per_mtok: 2, cache_write_1h_per_mtok: 2 });
    const patched = await admin('PATCH', '/admin/models/m-cache-admin', { price: { input_per_mtok: 1, output_per_mtok: 2, cache_write_per_mtok: 1.25 } });
    expect(patched.json.price).toEqual({ input_per_mtok: 1, output_per_mtok: 2, cache_write_per_mtok: 1.25 });
    const bad = await admin('PATCH', '/admin/models/m-cache-admin', { price: { input_per_mtok: 1, output_per_mtok: 2, cache_write_per_mtok: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('price.cache_write_per_mtok');
    await admin('DELETE', '/admin/models/m-cache-admin');
  });

  it.each([
    ['5-minute write, whole answers', '5m' as const, false],
    ['1-hour write, whole answers', '1h' as const, false],
    ['1-hour write, streams', '1h' as const, true],
  ])('%s: the first request writes the cache, the second reads it, each priced at its own rate', async (_, ttl, stream) => {
    const body = cachedRequest(ttl, stream);

    const first = await send(body);
    const written = tokensFromAnthropic(first.usage);
    expect(written.read).toBe(0);
    if (ttl === '1h') {
      expect(written.write1h).toBeGreaterThan(1024);
      expect(written.write).toBe(0);
    } else {
      expect(written.write).toBeGreaterThan(1024);
      expect(written.write1h).toBe(0);
    }
    expectPriced(first.record, written);

    const second = await send(body);
    const read = tokensFromAnthropic(second.usage);
    expect(read.read).toBe(written.write + written.write1h);
    expect(read.write + read.write1h).toBe(0);
    expectPriced(second.record, read);
    // The read is far cheaper than the write for the same prompt.
    expect(second.record.price_usd).toBeLessThan(first.record.price_usd);
  });

  it('an OpenAI-format answer from the cache channel carries usage.cost equal to the logged price', async () => {
    const response = await post(
      '/v1/chat/completions',
      { model: 'm-cache', max_tokens: 50, messages: [{ role: 'user', content: 'Name one harbour.' }] },
      { authorization: `Bearer ${key}` },
    );
    expect(response.status, response.text.slice(0, 300)).toBe(200);
    const record = await finalRecord(response.headers.get('x-request-id')!);
    charged.push(Math.round(record.price_usd * NANO));
    expect(record.usage_estimated).toBe(false);
    expect(response.json.usage.prompt_tokens).toBe(record.input_tokens);
    expect(response.json.usage.completion_tokens).toBe(record.output_tokens);
    // usage.cost is rendered by the OpenAI protocol module; assert it where it is present.
    if (response.json.usage.cost !== undefined) expect(response.json.usage.cost).toBeCloseTo(record.price_usd, 12);
  });

  it('the ledger debits the user exactly the logged prices', async () => {
    expect(charged).toHaveLength(7);
    const { analyticsUrl, internalSecret } = stack();
    const expected = 10 * NANO - charged.reduce((sum, amount) => sum + amount, 0);
    const balance = async () => (await admin('GET', `/admin/users/${USER}`)).json.balance_nanousd as number;
    const settled = await waitFor(async () => {
      await fetch(`${analyticsUrl}/ledger/run`, { method: 'POST', headers: { authorization: `Bearer ${internalSecret}` } });
      const now = await balance();
      return now === expected ? now : null;
    }, 15_000, 250).catch(balance);
    expect(settled).toBe(expected);
  });
});
