// The core loop through the official OpenAI SDK: models, chat streaming and not, usage
// reporting exactly as OpenAI does it, the response headers, and same-dialect fidelity.
import { describe, expect, it } from 'vitest';
import { MAIN_KEY, openai, post, receivedBy, VIP_KEY } from './helpers';

describe('OpenAI-compatible chat through the worker', () => {
  it('lists the models the key may use, with prices', async () => {
    const page = await openai().models.list();
    const ids = page.data.map((model) => model.id);
    expect(ids).toContain('gpt-test');
    expect(ids).toContain('m-retry');
    const gpt = page.data.find((model) => model.id === 'gpt-test') as any;
    expect(gpt.pricing.prompt).toBe('0.000001');
    expect(gpt.pricing.completion).toBe('0.000002');
  });

  it('applies the group multiplier to listed prices', async () => {
    const page = await openai(VIP_KEY).models.list();
    const gpt = page.data.find((model) => model.id === 'gpt-test') as any;
    expect(gpt.pricing.prompt).toBe('0.000002');
  });

  it('chats without streaming and says which channel answered', async () => {
    const { data, response } = await openai()
      .chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Say hello' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBeTruthy();
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(data.model).toBe('gpt-test');
    expect(['ch-a', 'ch-b']).toContain((data as any).provider);
    expect(response.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
    expect(response.headers.get('x-switchboard-channel')).toBe((data as any).provider);
    expect(response.headers.get('x-switchboard-model')).toBe('gpt-test');
    expect(response.headers.get('x-switchboard-attempts')).toBe('1');
  });

  it('resolves aliases', async () => {
    const data = await openai().chat.completions.create({ model: 'test/gpt', messages: [{ role: 'user', content: 'hi' }] });
    expect(data.model).toBe('gpt-test');
  });

  it('streams without a usage chunk when the client did not ask for one', async () => {
    const stream = await openai().chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
    });
    let text = '';
    let usageChunks = 0;
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.usage) usageChunks += 1;
      if (chunk.choices.length === 0) usageChunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usageChunks).toBe(0);
  });

  it('streams a final usage chunk when include_usage is set, and only one', async () => {
    const stream = await openai().chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'Stream with usage' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const usages = [];
    let last: any = null;
    for await (const chunk of stream) {
      if (chunk.usage) usages.push(chunk.usage);
      last = chunk;
    }
    expect(usages).toHaveLength(1);
    expect(last.choices).toEqual([]);
    expect(usages[0]!.completion_tokens).toBeGreaterThan(0);
  });

  it('sends the upstream the client body with only the model and stream usage edited', async () => {
    // Odd spacing, key order, a unicode escape and a float spelled 1.0 must all survive.
    const raw = '{"messages":[{"role":"user","content":"fid\\u00e9lit\\u00e9 \\"model\\": x"}],  "temperature":1.0,"model":"gpt-test","x_custom":{"b":1,"a":2},"stream":true}';
    const result = await post('/v1/chat/completions', raw, { authorization: `Bearer ${MAIN_KEY}` });
    expect(result.status).toBe(200);
    const channel = result.headers.get('x-switchboard-channel');
    const provider = channel === 'ch-a' ? 'e2e-a' : 'e2e-b';
    const upstreamModel = channel === 'ch-a' ? 'upstream-gpt' : 'upstream-gpt-b';
    const seen = await receivedBy(provider, 5);
    const sent = seen.map((request) => request.body).find((body) => body.includes('fid\\u00e9lit\\u00e9'));
    expect(sent).toBeDefined();
    const expected = raw.replace('"model":"gpt-test"', `"model":"${upstreamModel}"`);
    // The only other edit: usage reporting switched on for the stream.
    expect(sent!.startsWith(expected.slice(0, expected.indexOf('"stream":true')))).toBe(true);
    expect(JSON.parse(sent!).stream_options).toEqual({ include_usage: true });
    expect(sent).toContain('"temperature":1.0');
    expect(sent).toContain('"x_custom":{"b":1,"a":2}');
  });

  it('sends the channel credential upstream, resolving env: references', async () => {
    for (let i = 0; i < 6; i++) {
      await openai().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: `cred ${i}` }] });
    }
    const a = await receivedBy('e2e-a', 50);
    const b = await receivedBy('e2e-b', 50);
    for (const request of a) expect(request.headers.authorization).toBe('Bearer sk-upstream-a-SECRET');
    for (const request of b) expect(request.headers.authorization).toBe('Bearer sk-upstream-b-from-env-SECRET');
    expect(a.length + b.length).toBeGreaterThan(0);
  });

  it('creates embeddings', async () => {
    const result = await openai().embeddings.create({ model: 'embed-test', input: ['one', 'two'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding.length).toBeGreaterThan(0);
  });
});
