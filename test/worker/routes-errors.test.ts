// One error path for every route: admin, internal and auth errors through the same renderer
// (OpenAI's shape), 413 for oversized internal bodies, Retry-After written once, and an
// upstream's refusal of the channel key inside a stream retried on the next channel.
import { SELF } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, KEY, applyConfig, call, shapeProblem, watchUpstream } from './routes-setup';

const INTERNAL = { authorization: 'Bearer test-internal-secret', 'content-type': 'application/json' };
let upstream: ReturnType<typeof watchUpstream> | null = null;
afterEach(() => {
  upstream?.restore();
  upstream = null;
});

describe('admin and internal errors in OpenAI’s shape', () => {
  it.each([
    ['GET', '/admin/users', {}],
    ['POST', '/admin/config', { authorization: 'Bearer wrong' }],
    ['POST', '/internal/scores', {}],
    ['GET', '/internal/health', { authorization: 'Bearer wrong' }],
  ])('%s %s without the secret: 401', async (method, path, headers) => {
    const answer = await call(method, path, headers, method === 'POST' ? '{}' : undefined);
    expect(answer.status).toBe(401);
    expect(shapeProblem('openai', 401, answer.json)).toBeNull();
    expect(answer.json.error.type).toBe('authentication_error');
    expect(answer.headers.get('x-request-id')).toBeTruthy();
  });

  it('a bad field is a 400 naming it; an unknown id 404; a duplicate 409', async () => {
    await applyConfig();
    const bad = await call('POST', '/admin/groups', ADMIN, JSON.stringify({ id: 'g', price_multiplier: 'x' }));
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ type: 'invalid_request_error', param: 'price_multiplier' });
    const missing = await call('GET', '/admin/users/ghost', ADMIN);
    expect(missing.status).toBe(404);
    expect(shapeProblem('openai', 404, missing.json)).toBeNull();
    const duplicate = await call('POST', '/admin/users', ADMIN, JSON.stringify({ id: 'u1', group: 'default', balance_usd: 1 }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.error).toMatchObject({ code: 'conflict', param: 'id' });
  });

  it('internal routes: bad JSON 400, a bad field 400 naming it, unknown users 422, all in one shape', async () => {
    const broken = await call('POST', '/internal/scores', INTERNAL, '{"version":');
    expect(broken.status).toBe(400);
    expect(shapeProblem('openai', 400, broken.json)).toBeNull();
    const field = await call('POST', '/internal/scores', INTERNAL, '{"version":"x"}');
    expect(field.status).toBe(400);
    expect(field.json.error.param).toBe('version');
    const batch = { batch_id: 'lb-routes-1', up_to_ts: 1, debits: [{ user_id: 'ghost', amount_nanousd: 1, request_ids: [] }] };
    const unknown = await call('POST', '/internal/ledger', INTERNAL, JSON.stringify(batch));
    expect(unknown.status).toBe(422);
    expect(shapeProblem('openai', 422, unknown.json)).toBeNull();
  });

  it('an oversized internal body is a 413, not a 400', async () => {
    const answer = await call('POST', '/internal/scores', INTERNAL, `{"pad":"${'x'.repeat(33 * 1024 * 1024)}"}`);
    expect(answer.status).toBe(413);
    expect(answer.json.error.code).toBe('request_too_large');
  });
});

describe('errors inside upstream streams (issue #10)', () => {
  const invalidKey = '{"error":{"message":"Incorrect API key provided: sk-proj-****1234.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}';
  const good = [
    '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"x","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}',
    '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}',
  ];
  const sse = (lines: string[]) =>
    new Response(lines.map((line) => `data: ${line}\n\n`).join(''), { headers: { 'content-type': 'text/event-stream' } });

  it('a channel whose key is refused before the first token is retried on the next channel', async () => {
    await applyConfig();
    let calls = 0;
    upstream = watchUpstream(() => (++calls === 1 ? sse([invalidKey]) : sse([...good, '[DONE]'])));
    const response = await SELF.fetch('http://worker/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm2', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(text).toContain('Hello');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(upstream.calls()).toHaveLength(2);
  });

  it('when every channel refuses, the client sees a 502 naming the channels, never its own 400', async () => {
    await applyConfig();
    upstream = watchUpstream(() => sse([invalidKey]));
    const answer = await call('POST', '/v1/chat/completions', { authorization: `Bearer ${KEY}` }, JSON.stringify({ model: 'm2', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    expect(answer.status).toBe(502);
    expect(answer.json.error.message).toMatch(/All 2 channels tried failed/);
    expect(answer.text).not.toContain('sk-proj-');
  });
});

describe('Retry-After is written once, by the renderer', () => {
  it('an upstream 429 with retry-after 2.4 reaches the client as 3', async () => {
    await applyConfig();
    upstream = watchUpstream(() => new Response('{"error":{"message":"slow down","type":"rate_limit_error","code":"rate_limit_exceeded"}}', { status: 429, headers: { 'retry-after': '2.4' } }));
    const answer = await call('POST', '/v1/chat/completions', { authorization: `Bearer ${KEY}` }, JSON.stringify({ model: 'm2', messages: [{ role: 'user', content: 'hi' }] }));
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('3');
  });
});
