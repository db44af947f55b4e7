// Money when the upstream reports no usage (issue #10, defect 1): ch-nousage's simulated
// provider omits usage everywhere, so every request to m-nousage is metered by the README's
// estimate — about four characters a token of what the model generated, counted from the
// text the client received (never the rendered JSON, never zero for a stream). Checked end
// to end: the log record, then the user's balance after the ledger reached D1.
import { beforeAll, describe, expect, it } from 'vitest';
import { flushLogs, post, stack, waitFor, admin } from './helpers';

const USER = 'e2e-nousage-payer';
/** m-nousage: price $1 / $2 per million input / output tokens; ch-nousage cost $0.5 / $1. */
const PRICE = { input: 1, output: 2 };
const COST = { input: 0.5, output: 1 };
const NANO = 1_000_000_000;
let key = '';


/** The log records of one request, once the analytics node has them. */
async function loggedAttempts(requestId: string): Promise<any[]> {
  const { analyticsUrl, internalSecret } = stack();
  return waitFor(async () => {
    await flushLogs();
    const response = await fetch(`${analyticsUrl}/requests/${encodeURIComponent(requestId)}`, { headers: { authorization: `Bearer ${internalSecret}` } });
    return response.ok ? ((await response.json()) as { records: any[] }).records : null;
  }, 10_000, 200);
}

async function balanceNano(): Promise<number> {
  return (await admin('GET', `/admin/users/${USER}`)).json.balance_nanousd as number;
}

/** Text of an OpenAI SSE body: content, reasoning and tool-call names and arguments. */
function openaiStreamText(body: string): string {
  let text = '';
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const delta = JSON.parse(line.slice(6)).choices?.[0]?.delta ?? {};
    text += (delta.content ?? '') + (delta.reasoning_content ?? '');
    for (const call of delta.tool_calls ?? []) text += (call.function?.name ?? '') + (call.function?.arguments ?? '');
  }
  return text;
}

/** Text of an Anthropic SSE body: text, thinking and tool-use names and partial JSON. */
function anthropicStreamText(body: string): string {
  let text = '';
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const event = JSON.parse(line.slice(6));
    if (event.type === 'content_block_start' && event.content_block?.type === 'tool_use') text += event.content_block.name;
    if (event.type !== 'content_block_delta') continue;
    text += event.delta.text ?? event.delta.thinking ?? event.delta.partial_json ?? '';
  }
  return text;
}

function openaiMessageText(body: any): string {
  const message = body.choices[0].message;
  const calls = (message.tool_calls ?? []).map((call: any) => call.function.name + call.function.arguments).join('');
  return (message.content ?? '') + (message.reasoning_content ?? '') + calls;
}

function anthropicMessageText(body: any): string {
  return body.content
    .map((block: any) => (block.type === 'text' ? block.text : block.type === 'thinking' ? block.thinking : block.type === 'tool_use' ? block.name + JSON.stringify(block.input) : ''))
    .join('');
}

const cases = [
  {
    name: 'OpenAI client, whole answer (same dialect)',
    path: '/v1/chat/completions',
    body: { model: 'm-nousage', messages: [{ role: 'user', content: 'Tell me about lighthouses.' }] },
    text: (response: { json: any; text: string }) => openaiMessageText(response.json),
  },
  {
    name: 'OpenAI client, stream (same dialect)',
    path: '/v1/chat/completions',
    body: { model: 'm-nousage', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Tell me about harbours.' }] },
    text: (response: { json: any; text: string }) => openaiStreamText(response.text),
  },
  {
    name: 'Anthropic client, whole answer (translated)',
    path: '/v1/messages',
    body: { model: 'm-nousage', max_tokens: 200, messages: [{ role: 'user', content: 'Tell me about tides.' }] },
    text: (response: { json: any; text: string }) => anthropicMessageText(response.json),
  },
  {
    name: 'Anthropic client, stream (translated)',
    path: '/v1/messages',
    body: { model: 'm-nousage', max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'Tell me about buoys.' }] },
    text: (response: { json: any; text: string }) => anthropicStreamText(response.text),
  },
];

beforeAll(async () => {
  const created = await admin('POST', '/admin/users', { id: USER, balance_usd: 10 });
  expect([201, 409]).toContain(created.status);
  const issued = await admin('POST', '/admin/keys', { user: USER, name: 'nousage', models: ['m-nousage'] });
  expect(issued.status).toBe(201);
  key = issued.json.key;
});

describe('usage fallback: an upstream that reports no usage', () => {
  const charged: number[] = [];

  for (const entry of cases) {
    it(`${entry.name}: output tokens are the text the client received, about four characters a token`, async () => {
      const response = await post(entry.path, entry.body, { authorization: `Bearer ${key}` });
      expect(response.status, response.text.slice(0, 300)).toBe(200);
      expect(response.headers.get('x-switchboard-channel')).toBe('ch-nousage');
      const text = entry.text(response);
      expect(text.length).toBeGreaterThan(0);

      const attempts = await loggedAttempts(response.headers.get('x-request-id')!);
      const record = attempts.find((attempt) => attempt.final);
      expect(record).toMatchObject({ channel_id: 'ch-nousage', error_class: 'none', usage_estimated: true });
      expect(record.output_tokens).toBe(Math.ceil(text.length / 4));
      expect(record.input_tokens).toBeGreaterThan(0);
      expect(record.price_usd).toBeCloseTo((record.input_tokens * PRICE.input + record.output_tokens * PRICE.output) / 1e6, 15);
      expect(record.cost_usd).toBeCloseTo((record.input_tokens * COST.input + record.output_tokens * COST.output) / 1e6, 15);
      charged.push(Math.round(record.price_usd * NANO));
    });
  }

  it('the ledger debits exactly those charges from the balance', async () => {
    expect(charged).toHaveLength(cases.length);
    const { analyticsUrl, internalSecret } = stack();
    const expected = 10 * NANO - charged.reduce((sum, amount) => sum + amount, 0);
    const balance = await waitFor(async () => {
      await fetch(`${analyticsUrl}/ledger/run`, { method: 'POST', headers: { authorization: `Bearer ${internalSecret}` } });
      const now = await balanceNano();
      return now === expected ? now : null;
    }, 15_000, 250).catch(async () => balanceNano());
    expect(balance).toBe(expected);
    const journal: Array<{ kind: string; amount_nanousd: number }> = (await admin('GET', `/admin/users/${USER}/ledger`)).json.data;
    const debited = journal.filter((entry) => entry.kind === 'debit').reduce((sum, entry) => sum + entry.amount_nanousd, 0);
    expect(-debited).toBe(10 * NANO - expected);
  });
});
