// Every method a Gemini route serves: countTokens, embedContent, batchEmbedContents, on a
// Gemini channel (passthrough) and across dialects, with upstream vectors validated.
import { describe, expect, it } from 'vitest';
import { buildUpstreamRequest, parseInbound, renderCountTokens, translateResponse } from '../index';
import type { RouteContext } from '../types';
import { context, fixture, target } from '../../../test/support/protocol-helpers';

function parse(body: unknown, route: Partial<RouteContext>) {
  const raw = JSON.stringify(body);
  return parseInbound('gemini', JSON.parse(raw), raw, { operation: 'generate', path_model: 'models/gemini-2.5-flash', ...route });
}
function parsed(body: unknown, route: Partial<RouteContext>) {
  const result = parse(body, route);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe(':countTokens', () => {
  it.each([
    ['bare contents', { contents: [{ role: 'user', parts: [{ text: 'How many tokens is this sentence?' }] }] }],
    ['a generateContentRequest', { generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [{ parts: [{ text: 'How many tokens is this sentence?' }] }] } }],
  ])('accepts %s and answers {totalTokens}', (_name, body) => {
    const request = parsed(body, { operation: 'count_tokens' });
    expect(request).toMatchObject({ operation: 'count_tokens', model: 'gemini-2.5-flash', stream: false });
    expect(request.input_tokens_estimate).toBeGreaterThan(5);
    expect(JSON.parse(renderCountTokens(request, 9))).toEqual({ totalTokens: 9 });
  });

  it('refuses a body with neither, naming the field', () => {
    expect(parse({}, { operation: 'count_tokens' })).toMatchObject({ ok: false, error: { kind: 'invalid_request', param: 'contents' } });
  });
});

describe(':embedContent and :batchEmbedContents', () => {
  const single = { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'What is the meaning of life?' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 3 };
  const batch = { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } }, { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] } }] };

  it('validate their bodies', () => {
    expect(parsed(single, { operation: 'embed' })).toMatchObject({ operation: 'embed', stream: false });
    expect(parsed(batch, { operation: 'embed', path_batch: true })).toMatchObject({ operation: 'embed' });
    expect(parse({ content: { parts: [] } }, { operation: 'embed' })).toMatchObject({ ok: false, error: { param: 'content.parts' } });
    expect(parse({ requests: [] }, { operation: 'embed', path_batch: true })).toMatchObject({ ok: false, error: { param: 'requests' } });
  });

  it('pass through to a Gemini channel with the upstream model in the path and in every request', () => {
    const one = buildUpstreamRequest(parsed(single, { operation: 'embed' }), target('gemini', 'text-embedding-up'));
    expect(one.ok && one.value.url).toBe('https://upstream.test/v1beta/models/text-embedding-up:embedContent');
    expect(one.ok && JSON.parse(one.value.body).model).toBe('models/text-embedding-up');
    const many = buildUpstreamRequest(parsed(batch, { operation: 'embed', path_batch: true }), target('gemini', 'text-embedding-up'));
    expect(many.ok && many.value.url).toBe('https://upstream.test/v1beta/models/text-embedding-up:batchEmbedContents');
    expect(many.ok && JSON.parse(many.value.body).requests.map((item: { model: string }) => item.model)).toEqual(['models/text-embedding-up', 'models/text-embedding-up']);
  });

  it('are served by an OpenAI embeddings channel, rendered in Gemini shapes', () => {
    const openaiAnswer = JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }], model: 'x', usage: { prompt_tokens: 7, total_tokens: 7 } });
    const request = parsed(single, { operation: 'embed' });
    const built = buildUpstreamRequest(request, target('openai', 'text-embedding-3-small'));
    expect(built.ok && built.value.url).toBe('https://upstream.test/v1/embeddings');
    expect(built.ok && JSON.parse(built.value.body)).toEqual({ model: 'text-embedding-3-small', input: ['What is the meaning of life?'], encoding_format: 'float', dimensions: 3 });
    const translated = translateResponse(request, 'openai', openaiAnswer, context);
    expect(translated.ok && JSON.parse(translated.value.body)).toEqual({ embedding: { values: [0.1, -0.2, 0.3] } });
    expect(translated.ok && translated.value.usage?.input_tokens).toBe(7);

    const batchRequest = parsed(batch, { operation: 'embed', path_batch: true });
    const twoVectors = JSON.stringify({ data: [{ index: 1, embedding: [2] }, { index: 0, embedding: [1] }], usage: { prompt_tokens: 2 } });
    const translatedBatch = translateResponse(batchRequest, 'openai', twoVectors, context);
    expect(translatedBatch.ok && JSON.parse(translatedBatch.value.body)).toEqual({ embeddings: [{ values: [1] }, { values: [2] }] });
  });

  it('refuse a batch asking for different dimensions on another dialect', () => {
    const mixed = { requests: [{ ...batch.requests[0], outputDimensionality: 3 }, { ...batch.requests[1], outputDimensionality: 4 }] };
    expect(buildUpstreamRequest(parsed(mixed, { operation: 'embed', path_batch: true }), target('openai'))).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
  });
});

describe('upstream vectors are validated, never cast', () => {
  const openaiClient = () => {
    const raw = JSON.stringify({ model: 'e', input: ['a', 'b'] });
    const request = parseInbound('openai', JSON.parse(raw), raw, { operation: 'embed' });
    if (!request.ok) throw new Error('parse');
    return request.value;
  };

  it.each([
    ['a string in a vector', { embeddings: [{ values: [0.1, '0.2'] }, { values: [0.3] }] }],
    ['null in a vector', { embeddings: [{ values: [0.1, null] }, { values: [0.3] }] }],
    ['values not an array', { embeddings: [{ values: { 0: 1 } }, { values: [0.3] }] }],
    ['one vector for two inputs', { embeddings: [{ values: [0.1] }] }],
  ])('a Gemini answer with %s is malformed', (_name, body) => {
    expect(translateResponse(openaiClient(), 'gemini', JSON.stringify(body), context)).toMatchObject({ ok: false, error: { kind: 'upstream', status: 502 } });
  });

  it.each([
    ['a string in a vector', { data: [{ index: 0, embedding: ['x'] }] }],
    ['a duplicate index', { data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }] }],
    ['base64 instead of floats', { data: [{ index: 0, embedding: 'AAAA' }] }],
  ])('an OpenAI answer with %s is malformed', (_name, body) => {
    const request = parsed({ content: { parts: [{ text: 'a' }] } }, { operation: 'embed' });
    expect(translateResponse(request, 'openai', JSON.stringify(body), context)).toMatchObject({ ok: false, error: { kind: 'upstream', status: 502 } });
  });

  it('the fixture still reads', () => {
    expect(translateResponse(openaiClient(), 'gemini', fixture('gemini', 'batch-embed.json'), context).ok).toBe(true);
  });
});
