import { describe, expect, it } from 'vitest';
import { buildUpstreamRequest, createStreamTranslator, parseInbound, translateResponse } from '../index';
import { usageOf } from '../../core/metering';
import { chunks, context, fixture, inbound, inboundRaw, parseFrames, run, target } from '../../../test/support/protocol-helpers';

describe('openai → openai request passthrough', () => {
  it('changes only the model value, byte for byte', () => {
    const raw =
      '{ "messages" :[{"role":"user","content":"caf\\u00e9 \\"model\\": \\"x\\"", "model":"inner"}],\n\t"temperature": 1.0,"model"  :  "gpt-4o-mini" ,"zeta":[1,2,{"a":null}], "logit_bias":{"50256":-100} }';
    const request = inboundRaw('openai', raw);
    const built = buildUpstreamRequest(request, target('openai', 'gpt-4o-mini-2024-07-18'));
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.body).toBe(raw.replace('"model"  :  "gpt-4o-mini"', '"model"  :  "gpt-4o-mini-2024-07-18"'));
    expect(built.value.url).toBe('https://upstream.test/v1/chat/completions');
    expect(built.value.headers).toEqual({ authorization: 'Bearer sk-secret-key-123', 'content-type': 'application/json' });
  });

  it('treats an escaped "model" key as the model key', () => {
    const raw = '{"\\u006dodel":"a","messages":[{"role":"user","content":"hi"}]}';
    const built = buildUpstreamRequest(inboundRaw('openai', raw), target('openai', 'b'));
    expect(built.ok && built.value.body).toBe('{"\\u006dodel":"b","messages":[{"role":"user","content":"hi"}]}');
  });

  it.each([
    ['absent', '{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}', '{"model":"u","stream":true,"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}'],
    ['false', '{"model":"m","stream":true,"stream_options":{"include_usage":false},"messages":[{"role":"user","content":"hi"}]}', '{"model":"u","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}'],
    ['empty object', '{"stream_options": { },"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}', '{"stream_options": {"include_usage":true },"model":"u","stream":true,"messages":[{"role":"user","content":"hi"}]}'],
    ['other options', '{"model":"m","stream":true,"stream_options":{"x":1},"messages":[{"role":"user","content":"hi"}]}', '{"model":"u","stream":true,"stream_options":{"x":1,"include_usage":true},"messages":[{"role":"user","content":"hi"}]}'],
    ['null', '{"model":"m","stream":true,"stream_options":null,"messages":[{"role":"user","content":"hi"}]}', '{"model":"u","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}'],
    ['already true', '{"model":"m","stream":true,"stream_options":{"include_usage" : true},"messages":[{"role":"user","content":"hi"}]}', '{"model":"u","stream":true,"stream_options":{"include_usage" : true},"messages":[{"role":"user","content":"hi"}]}'],
  ])('forces include_usage for streams (%s)', (_name, raw, expected) => {
    const built = buildUpstreamRequest(inboundRaw('openai', raw), target('openai', 'u'));
    expect(built.ok && built.value.body).toBe(expected);
  });

  it('leaves stream_options alone when not streaming', () => {
    const raw = '{"model":"m","stream":false,"stream_options":{"include_usage":false},"messages":[{"role":"user","content":"hi"}]}';
    const built = buildUpstreamRequest(inboundRaw('openai', raw), target('openai', 'm'));
    expect(built.ok && built.value.body).toBe(raw);
  });

  it('removes the gateway routing controls and nothing else', () => {
    const raw = '{"route":{"mode":"economy"},"model":"m","provider":{"order":["a"]},"messages":[{"role":"user","content":"hi"}],"models":["x"],"foo":1}';
    const built = buildUpstreamRequest(inboundRaw('openai', raw), target('openai', 'm'));
    expect(built.ok && built.value.body).toBe('{"model":"m","messages":[{"role":"user","content":"hi"}],"foo":1}');
  });

  it('passes embeddings through to /v1/embeddings', () => {
    const raw = '{"input":["a","b"],"model":"text-embedding-3-small","encoding_format":"float"}';
    const parsed = parseInbound('openai', JSON.parse(raw), raw, { operation: 'embed' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const built = buildUpstreamRequest(parsed.value, target('openai', 'emb-up'));
    expect(built.ok && built.value.url).toBe('https://upstream.test/v1/embeddings');
    expect(built.ok && built.value.body).toBe('{"input":["a","b"],"model":"emb-up","encoding_format":"float"}');
  });
});

describe('openai → openai response passthrough', () => {
  it('sets the catalog model, adds provider, extracts usage', () => {
    const request = inbound('openai', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const text = fixture('openai', 'chat-completion.json');
    const translated = translateResponse(request, 'openai', text, context);
    expect(translated.ok).toBe(true);
    if (!translated.ok) return;
    const body = JSON.parse(translated.value.body);
    expect(body.model).toBe('catalog-model');
    expect(body.provider).toBe('acme-east');
    expect(body.choices).toEqual(JSON.parse(text).choices);
    expect(translated.value.usage).toEqual(usageOf({ input_tokens: 19, output_tokens: 10 }));
    expect(translated.value.finish_reason).toBe('stop');
  });

  it('splices usage.cost (what the caller is charged) into the usage object, every other byte unchanged', () => {
    const request = inbound('openai', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const text = '{"id":"c1","model":"gpt-4o-mini","provider":"x","choices":[{"index":0,"message":{"role":"assistant","content":"hé"},"finish_reason":"stop"}],\n "usage" : { "prompt_tokens" : 1000000, "completion_tokens":500000,"total_tokens":1500000 } }';
    const translated = translateResponse(request, 'openai', text, { ...context, price: { input_per_mtok: 1, output_per_mtok: 2 } });
    expect(translated.ok && translated.value.body).toBe(
      '{"id":"c1","model":"catalog-model","provider":"acme-east","choices":[{"index":0,"message":{"role":"assistant","content":"hé"},"finish_reason":"stop"}],\n "usage" : { "prompt_tokens" : 1000000, "completion_tokens":500000,"total_tokens":1500000,"cost":2 } }',
    );
  });

  it('replaces an upstream reseller cost with our charge, and prices cache reads at their own rate', () => {
    const request = inbound('openai', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const text = '{"choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1000000,"completion_tokens":0,"total_tokens":1000000,"prompt_tokens_details":{"cached_tokens":400000},"cost":9.99}}';
    const price = { input_per_mtok: 1, output_per_mtok: 2, cached_input_per_mtok: 0.5 };
    const translated = translateResponse(request, 'openai', text, { ...context, price });
    expect(translated.ok && JSON.parse(translated.value.body).usage.cost).toBeCloseTo(0.8, 10);
    expect(translated.ok && translated.value.body).toContain('"cost":0.8');
    expect(translated.ok && translated.value.body).not.toContain('9.99');
  });

  it('rejects a non-JSON upstream body as a 502', () => {
    const request = inbound('openai', { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    const translated = translateResponse(request, 'openai', '<html>oops</html>', context);
    expect(translated.ok).toBe(false);
    if (!translated.ok) expect(translated.error).toMatchObject({ kind: 'upstream', status: 502 });
  });

  it('passes embeddings responses through with usage', () => {
    const raw = '{"input":"a","model":"e"}';
    const parsed = parseInbound('openai', JSON.parse(raw), raw, { operation: 'embed' });
    if (!parsed.ok) throw new Error('parse');
    const translated = translateResponse(parsed.value, 'openai', fixture('openai', 'embeddings.json'), context);
    expect(translated.ok && JSON.parse(translated.value.body).data[0].embedding).toHaveLength(3);
    expect(translated.ok && translated.value.usage?.input_tokens).toBe(8);
  });
});

describe('openai → openai stream passthrough', () => {
  const streaming = (includeUsage: boolean) =>
    inbound('openai', {
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: includeUsage },
      messages: [{ role: 'user', content: 'hi' }],
    });

  it('re-emits every event unchanged when the client asked for usage, with cost spliced into the usage chunk', () => {
    const events = chunks('openai', 'chat-stream.chunks.txt');
    const translator = createStreamTranslator(streaming(true), 'openai', context);
    const frames = run(translator, events);
    // context.price: $1 / $2 per million: 9 input and 6 output tokens cost 0.000021.
    const expected = events.map((event) => `data: ${event.data.replace('"reasoning_tokens":0}}}', '"reasoning_tokens":0},"cost":0.000021}}')}\n\n`);
    expect(frames).toEqual(expected);
    expect(frames.filter((frame, index) => frame !== `data: ${events[index]?.data}\n\n`)).toHaveLength(1);
    expect(translator.observation).toMatchObject({
      first_token: true,
      usage: usageOf({ input_tokens: 9, output_tokens: 6 }),
      finish_reason: 'stop',
      upstream_error: null,
      completed: true,
    });
  });

  it('drops only the usage chunk when the client did not ask for usage', () => {
    const events = chunks('openai', 'chat-stream.chunks.txt');
    const translator = createStreamTranslator(streaming(false), 'openai', context);
    const frames = run(translator, events);
    expect(frames).toHaveLength(events.length - 1);
    expect(frames.join('')).not.toContain('"usage":{');
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
    expect(translator.observation.usage?.output_tokens).toBe(6);
  });

  it('adds [DONE] when an OpenAI-compatible server ends after finish_reason without one', () => {
    const events = chunks('openai', 'chat-stream.chunks.txt').slice(0, -1);
    const translator = createStreamTranslator(streaming(true), 'openai', context);
    const frames: string[] = [];
    for (const event of events) frames.push(...translator.push(event));
    expect(translator.observation.completed).toBe(true);
    frames.push(...translator.end());
    expect(frames.at(-1)).toBe('data: [DONE]\n\n');
    expect(frames).toHaveLength(events.length + 1);
  });

  it('observes an in-stream error and never completes', () => {
    const translator = createStreamTranslator(streaming(true), 'openai', context);
    const frames = run(translator, chunks('openai', 'chat-stream-error.chunks.txt'));
    expect(frames).toHaveLength(3);
    expect(translator.observation.completed).toBe(false);
    // The fixture's `server_error` type is classified by openai/errors.ts.
    expect(translator.observation.upstream_error).toMatchObject({ kind: 'upstream', error_class: 'server' });
  });

  it('fail() ends with an OpenAI error event and no [DONE]', () => {
    const translator = createStreamTranslator(streaming(true), 'openai', context);
    translator.push({ data: chunks('openai', 'chat-stream.chunks.txt')[1]!.data });
    const frames = translator.fail({ kind: 'upstream', status: 502, error_class: 'mid_stream', message: 'Upstream connection lost.' });
    expect(parseFrames(frames)).toEqual([
      { data: { error: { message: 'Upstream connection lost.', type: 'server_error', code: 'server_error' } } },
    ]);
  });

  it('turns unreadable upstream data into an error event with a generic message (no parser text on the wire)', () => {
    const translator = createStreamTranslator(streaming(true), 'openai', context);
    const frames = translator.push({ data: '{not json sk-live-abcdef123456' });
    expect(parseFrames(frames)).toEqual([
      { data: { error: { message: expect.stringContaining('The upstream sent an unreadable stream event.'), type: 'server_error', code: expect.anything() } } },
    ]);
    expect(frames.join('')).not.toMatch(/JSON|position|token|sk-live/);
    expect(translator.observation.upstream_error?.kind).toBe('upstream');
    expect(translator.observation.completed).toBe(false);
    expect(translator.push({ data: '[DONE]' })).toEqual([]);
  });
});
