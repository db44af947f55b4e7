// Client routing controls end to end: OpenRouter's provider object and models fallbacks,
// Switchboard's route extension, and the opt-in debug header.
import { describe, expect, it } from 'vitest';
import { MAIN_KEY, post, receivedBy } from './helpers';

const auth = { authorization: `Bearer ${MAIN_KEY}` };
const chat = (extra: Record<string, unknown>, model = 'gpt-test') => ({ model, messages: [{ role: 'user', content: 'route me' }], ...extra });

async function channels(body: Record<string, unknown>, times = 8, model?: string): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < times; i++) {
    const result = await post('/v1/chat/completions', chat(body, model), auth);
    expect(result.status, result.text).toBe(200);
    seen.add(result.headers.get('x-switchboard-channel')!);
  }
  return seen;
}

describe('client routing controls', () => {
  it('provider.only keeps to the listed channels', async () => {
    expect(await channels({ provider: { only: ['ch-b'] } })).toEqual(new Set(['ch-b']));
  });

  it('provider.ignore avoids the listed channels', async () => {
    expect(await channels({ provider: { ignore: ['ch-b'] } })).toEqual(new Set(['ch-a']));
  });

  it('provider.order with allow_fallbacks: false pins the listed order', async () => {
    expect(await channels({ provider: { order: ['ch-a'], allow_fallbacks: false } })).toEqual(new Set(['ch-a']));
  });

  it('provider.max_price is what the caller pays: too low leaves no channel, enough leaves all', async () => {
    const tooLow = await post('/v1/chat/completions', chat({ provider: { max_price: { prompt: 0.5 } } }), auth);
    expect(tooLow.status).toBe(400);
    expect(tooLow.json.error.param).toBe('provider');
    const enough = await post('/v1/chat/completions', chat({ provider: { max_price: { prompt: 1, completion: 2 } } }), auth);
    expect(enough.status).toBe(200);
  });

  it('names the bad param of an invalid control', async () => {
    const result = await post('/v1/chat/completions', chat({ provider: { sort: 'fastest' } }), auth);
    expect(result.status).toBe(400);
    expect(result.json.error.param).toBe('provider.sort');
    const route = await post('/v1/chat/completions', chat({ route: { mode: 'turbo' } }), auth);
    expect(route.status).toBe(400);
    expect(route.json.error.param).toContain('route.mode');
  });

  it('models falls back to the next model when every channel of the first fails', async () => {
    const result = await post('/v1/chat/completions', chat({ models: ['gpt-test'] }, 'm-all-fail'), auth);
    expect(result.status).toBe(200);
    expect(result.headers.get('x-switchboard-model')).toBe('gpt-test');
    expect(Number(result.headers.get('x-switchboard-attempts'))).toBe(3);
    expect(result.json.model).toBe('gpt-test');
  });

  it('an unknown fallback model is a 400 naming it', async () => {
    const result = await post('/v1/chat/completions', chat({ models: ['nope'] }), auth);
    expect(result.status).toBe(400);
    expect(result.json.error.param).toBe('models[0]');
  });

  it('removes the routing fields before the upstream sees the body', async () => {
    const result = await post('/v1/chat/completions', chat({ provider: { only: ['ch-a'] }, route: { mode: 'economy' }, x_keep: 1 }), auth);
    expect(result.status).toBe(200);
    const [last] = (await receivedBy('e2e-a', 1)).slice(-1);
    const body = JSON.parse(last!.body);
    expect(body.provider).toBeUndefined();
    expect(body.route).toBeUndefined();
    expect(body.x_keep).toBe(1);
  });
});

describe('the debug header', () => {
  it('is absent unless asked for', async () => {
    const result = await post('/v1/chat/completions', chat({}), auth);
    expect(result.headers.get('x-switchboard-debug')).toBeNull();
  });

  it('explains each candidate with its components and probability', async () => {
    const result = await post('/v1/chat/completions', chat({ route: { mode: 'economy' } }), { ...auth, 'x-switchboard-debug': '1' });
    expect(result.status).toBe(200);
    const header = result.headers.get('x-switchboard-debug')!;
    expect(header).toContain('mode=economy');
    expect(header).toMatch(/ch-a@gpt-test p=[\d.]+/);
    expect(header).toMatch(/ch-b@gpt-test p=[\d.]+/);
  });

  it('shows why a candidate was rejected', async () => {
    const result = await post('/v1/chat/completions', chat({ provider: { ignore: ['ch-b'] } }), { ...auth, 'x-switchboard-debug': '1' });
    expect(result.headers.get('x-switchboard-debug')).toMatch(/ch-b@gpt-test x=provider\.ignore/);
  });
});
