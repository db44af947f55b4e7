// An upstream error in any dialect reaches every client in the client's own dialect with
// the right status: Anthropic's 529 overloaded_error becomes OpenAI's 503 and Gemini's
// UNAVAILABLE; Gemini's RESOURCE_EXHAUSTED becomes a 429 everywhere, with retry-after.
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN_KEY, patchProvider, post } from './helpers';

const auth = { authorization: `Bearer ${MAIN_KEY}` };

function ask(client: 'openai' | 'anthropic' | 'gemini', model: string) {
  if (client === 'openai') return post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'x' }] }, auth);
  if (client === 'anthropic') return post('/v1/messages', { model, max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }, auth);
  return post(`/v1beta/models/${model}:generateContent`, { contents: [{ role: 'user', parts: [{ text: 'x' }] }] }, auth);
}

const CASES = [
  { provider: 'e2e-anthropic', model: 'm-anthropic', status: 529, expect: { http: 503, openai: 'server_error', anthropic: 'overloaded_error', gemini: 'UNAVAILABLE' } },
  { provider: 'e2e-gemini', model: 'm-gemini', status: 429, expect: { http: 429, openai: 'rate_limit_error', anthropic: 'rate_limit_error', gemini: 'RESOURCE_EXHAUSTED' } },
] as const;

describe('upstream errors across dialects', () => {
  afterAll(async () => {
    for (const entry of CASES) await patchProvider(entry.provider, { error_rate: 0, error_status: 500 });
  });

  for (const entry of CASES) {
    it(`${entry.provider} answering ${entry.status}`, async () => {
      await patchProvider(entry.provider, { error_rate: 1, error_status: entry.status });
      const openai = await ask('openai', entry.model);
      expect(openai.status).toBe(entry.expect.http);
      expect(openai.json.error.type).toBe(entry.expect.openai);
      const anthropic = await ask('anthropic', entry.model);
      expect(anthropic.status).toBe(entry.expect.http);
      expect(anthropic.json).toMatchObject({ type: 'error', error: { type: entry.expect.anthropic } });
      const gemini = await ask('gemini', entry.model);
      expect(gemini.status).toBe(entry.expect.http);
      expect(gemini.json.error).toMatchObject({ code: entry.expect.http, status: entry.expect.gemini });
      if (entry.expect.http === 429) for (const result of [openai, anthropic, gemini]) expect(result.headers.get('retry-after')).toBeTruthy();
    });
  }
});
