import { describe, expect, it } from 'vitest';
import { postJson, useSimulator } from './test-helpers';

const simulator = useSimulator([{ name: 'alpha', dialect: 'openai', ttft_ms: 5 }]);
const control = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${simulator.get().url}/_sim${path}`, { method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });

describe('control API', () => {
  it('lists every provider with its behaviour, defaults filled in, and counters', async () => {
    const body = await (await control('/providers')).json<any>();
    expect(body.providers).toEqual([
      {
        name: 'alpha', dialect: 'openai', ttft_ms: 5, ttft_jitter_ms: 0, tokens_per_s: 0, output_tokens: 64, error_rate: 0,
        error_status: 500, down: false, hang: false, fail_mid_stream_rate: 0, omit_usage: false, auto_tool_call: false, counters: { requests: 0, errors: 0, in_flight: 0 },
      },
    ]);
  });

  it('creates (201) and replaces (200) a provider with PUT; replacing keeps the counters', async () => {
    const created = await control('/providers/beta', 'PUT', { dialect: 'anthropic', output_tokens: 3 });
    expect(created.status).toBe(201);
    expect(await created.json<any>()).toMatchObject({ name: 'beta', dialect: 'anthropic', output_tokens: 3 });
    await postJson(`${simulator.get().url}/beta/v1/messages`, { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const replaced = await control('/providers/beta', 'PUT', { name: 'beta', dialect: 'gemini' });
    expect(replaced.status).toBe(200);
    expect(await replaced.json<any>()).toMatchObject({ dialect: 'gemini', output_tokens: 64, counters: { requests: 1 } });
  });

  it('rejects invalid behaviour with a 400 that names the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ dialect: 'cohere' }, 'dialect'],
      [{ dialect: 'openai', error_rate: 2 }, 'error_rate'],
      [{ dialect: 'openai', ttft_ms: -1 }, 'ttft_ms'],
      [{ dialect: 'openai', ttft_msec: 10 }, 'ttft_msec'],
      [{ ttft_ms: 10 }, 'dialect'],
      [{ dialect: 'openai', name: 'other' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const response = await control('/providers/gamma', 'PUT', body);
      expect(response.status).toBe(400);
      const { error } = await response.json<any>();
      expect(error.message).toContain(field);
      expect(error.fields).toContain(field);
    }
    expect((await control('/providers/gamma', 'PUT', '{oops')).status).toBe(400);
    expect((await control('/providers/bad%20name', 'PUT', { dialect: 'openai' })).status).toBe(400);
    expect((await control('/providers/gamma')).status).toBe(404);
  });

  it('PATCH merges, takes effect for the next request, and null restores a default', async () => {
    await control('/providers/delta', 'PUT', { dialect: 'openai', output_tokens: 5, rate_limit_rps: 100 });
    const patched = await (await control('/providers/delta', 'PATCH', { output_tokens: 2, rate_limit_rps: null })).json<any>();
    expect(patched).toMatchObject({ dialect: 'openai', output_tokens: 2 });
    expect(patched.rate_limit_rps).toBeUndefined();
    const reply = await (await postJson(`${simulator.get().url}/delta/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x' }] })).json<any>();
    expect(reply.usage.completion_tokens).toBe(2);
    const invalid = await control('/providers/delta', 'PATCH', { tokens_per_s: 'fast' });
    expect(invalid.status).toBe(400);
    expect((await invalid.json<any>()).error.fields).toEqual(['tokens_per_s']);
    expect((await control('/providers/delta', 'PATCH', { nope: 1 })).status).toBe(400);
    expect((await control('/providers/missing', 'PATCH', { down: true })).status).toBe(404);
  });

  it('returns the last requests verbatim: method, path, query, headers and raw body', async () => {
    await control('/providers/epsilon', 'PUT', { dialect: 'gemini' });
    const raw = '{"contents":[{"parts":[{"text":"exact  bytes"}]}],  "zeta":1}';
    await fetch(`${simulator.get().url}/epsilon/v1beta/models/g:streamGenerateContent?alt=sse&key=k1`, {
      method: 'POST', headers: { 'x-goog-api-key': 'secret', 'content-type': 'application/json' }, body: raw,
    }).then((response) => response.text());
    await postJson(`${simulator.get().url}/epsilon/v1beta/models/g:generateContent`, { contents: [{ parts: [{ text: 'second' }] }] }).then((response) => response.text());
    const { requests } = await (await control('/providers/epsilon/requests?limit=1')).json<any>();
    expect(requests).toHaveLength(1);
    expect(requests[0].path).toBe('/v1beta/models/g:generateContent');
    const both = (await (await control('/providers/epsilon/requests')).json<any>()).requests;
    expect(both[0]).toMatchObject({ method: 'POST', path: '/v1beta/models/g:streamGenerateContent?alt=sse&key=k1', query: { alt: 'sse', key: 'k1' }, body: raw });
    expect(both[0].headers['x-goog-api-key']).toBe('secret');
    expect((await control('/providers/epsilon/requests?limit=-2')).status).toBe(400);
  });

  it('POST /_sim/reset zeroes the counters and DELETE removes a provider', async () => {
    await postJson(`${simulator.get().url}/alpha/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect((await (await control('/providers/alpha')).json<any>()).counters.requests).toBe(1);
    expect((await control('/reset', 'POST')).status).toBe(200);
    expect((await (await control('/providers/alpha')).json<any>()).counters).toEqual({ requests: 0, errors: 0, in_flight: 0 });
    expect((await (await control('/providers/alpha/requests')).json<any>()).requests).toEqual([]);
    expect(await (await control('/providers/beta', 'DELETE')).json<any>()).toEqual({ deleted: 'beta' });
    expect((await control('/providers/beta', 'DELETE')).status).toBe(404);
  });

  it('answers an unknown provider with 404 in the shape of the dialect its path belongs to', async () => {
    const url = simulator.get().url;
    const openai = await postJson(`${url}/nobody/v1/chat/completions`, {});
    expect(openai.status).toBe(404);
    expect((await openai.json<any>()).error).toMatchObject({ type: 'invalid_request_error', param: null });
    expect(await (await postJson(`${url}/nobody/v1/messages`, {})).json<any>()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect((await (await postJson(`${url}/nobody/v1beta/models/g:generateContent`, {})).json<any>()).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect((await control('/nothing-here')).status).toBe(404);
  });
});
