import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../errors';
import type { Protocol } from '../core/types';
import { classifyUpstreamError, renderError } from './index';
import { adapters } from './registry';
import { chunks, fixture } from '../../test/support/protocol-helpers';

const cases: { error: GatewayError; status: number; openai: [string, string | null]; anthropic: string; gemini: string }[] = [
  { error: { kind: 'unauthorized', message: 'Missing or invalid API key.' }, status: 401, openai: ['authentication_error', 'invalid_api_key'], anthropic: 'authentication_error', gemini: 'UNAUTHENTICATED' },
  { error: { kind: 'forbidden', message: 'no' }, status: 403, openai: ['permission_error', 'permission_denied'], anthropic: 'permission_error', gemini: 'PERMISSION_DENIED' },
  { error: { kind: 'insufficient_balance', message: 'broke' }, status: 402, openai: ['insufficient_quota', 'insufficient_quota'], anthropic: 'billing_error', gemini: 'RESOURCE_EXHAUSTED' },
  { error: { kind: 'budget_exceeded', message: 'budget' }, status: 402, openai: ['insufficient_quota', 'budget_exceeded'], anthropic: 'billing_error', gemini: 'RESOURCE_EXHAUSTED' },
  { error: { kind: 'model_not_found', message: 'nope', model: 'x' }, status: 404, openai: ['not_found_error', 'model_not_found'], anthropic: 'not_found_error', gemini: 'NOT_FOUND' },
  { error: { kind: 'invalid_request', message: 'bad', param: 'messages[0].role' }, status: 400, openai: ['invalid_request_error', null], anthropic: 'invalid_request_error', gemini: 'INVALID_ARGUMENT' },
  { error: { kind: 'unsupported', message: 'no json schema', param: 'response_format' }, status: 400, openai: ['invalid_request_error', 'unsupported_parameter'], anthropic: 'invalid_request_error', gemini: 'INVALID_ARGUMENT' },
  { error: { kind: 'payload_too_large', message: 'big' }, status: 413, openai: ['invalid_request_error', 'request_too_large'], anthropic: 'request_too_large', gemini: 'INVALID_ARGUMENT' },
  { error: { kind: 'rate_limited', message: 'slow', retry_after_s: 7 }, status: 429, openai: ['rate_limit_error', 'rate_limit_exceeded'], anthropic: 'rate_limit_error', gemini: 'RESOURCE_EXHAUSTED' },
  { error: { kind: 'not_found', message: 'no route' }, status: 404, openai: ['not_found_error', null], anthropic: 'not_found_error', gemini: 'NOT_FOUND' },
  { error: { kind: 'method_not_allowed', message: 'GET' }, status: 405, openai: ['invalid_request_error', 'method_not_allowed'], anthropic: 'invalid_request_error', gemini: 'UNIMPLEMENTED' },
  { error: { kind: 'upstream', status: 503, error_class: 'server', message: '3 channels tried' }, status: 503, openai: ['server_error', 'service_unavailable'], anthropic: 'overloaded_error', gemini: 'UNAVAILABLE' },
  { error: { kind: 'upstream', status: 502, error_class: 'server', message: 'bad gateway' }, status: 502, openai: ['server_error', 'server_error'], anthropic: 'api_error', gemini: 'UNAVAILABLE' },
  { error: { kind: 'upstream', status: 504, error_class: 'timeout', message: 'slow' }, status: 504, openai: ['timeout_error', 'timeout'], anthropic: 'timeout_error', gemini: 'DEADLINE_EXCEEDED' },
  { error: { kind: 'upstream', status: 429, error_class: 'rate_limit', message: 'all busy', retry_after_s: 3 }, status: 429, openai: ['rate_limit_error', 'rate_limit_exceeded'], anthropic: 'rate_limit_error', gemini: 'RESOURCE_EXHAUSTED' },
  { error: { kind: 'conflict', message: 'exists', param: 'id' }, status: 409, openai: ['invalid_request_error', 'conflict'], anthropic: 'invalid_request_error', gemini: 'ABORTED' },
  { error: { kind: 'unprocessable', message: 'unknown users' }, status: 422, openai: ['invalid_request_error', 'unprocessable_entity'], anthropic: 'invalid_request_error', gemini: 'FAILED_PRECONDITION' },
  { error: { kind: 'internal', message: 'Internal error.' }, status: 500, openai: ['server_error', 'internal_error'], anthropic: 'api_error', gemini: 'INTERNAL' },
];

describe('renderError', () => {
  it.each(cases)('$error.kind $status', ({ error, status, openai, anthropic, gemini }) => {
    const o = renderError('openai', error);
    expect(o.status).toBe(status);
    expect(o.headers['content-type']).toBe('application/json');
    expect(JSON.parse(o.body)).toEqual({
      error: {
        message: error.message,
        type: openai[0],
        param: error.kind === 'invalid_request' || error.kind === 'unsupported' || error.kind === 'conflict' ? error.param : error.kind === 'model_not_found' ? 'model' : null,
        code: openai[1],
      },
    });
    const a = renderError('anthropic', error);
    expect(a.status).toBe(status);
    expect(JSON.parse(a.body)).toEqual({ type: 'error', error: { type: anthropic, message: error.message } });
    const g = renderError('gemini', error);
    expect(g.status).toBe(status);
    expect(JSON.parse(g.body)).toEqual({ error: { code: status, message: error.message, status: gemini } });
  });

  it('sends retry-after when the error has one: whole seconds, at least 1', () => {
    expect(renderError('openai', { kind: 'rate_limited', message: 'x', retry_after_s: 7 }).headers['retry-after']).toBe('7');
    expect(renderError('gemini', { kind: 'upstream', status: 429, error_class: 'rate_limit', message: 'x', retry_after_s: 2.2 }).headers['retry-after']).toBe('3');
    expect(renderError('anthropic', { kind: 'rate_limited', message: 'x', retry_after_s: 0 }).headers['retry-after']).toBe('1');
    expect(renderError('anthropic', { kind: 'internal', message: 'x' }).headers['retry-after']).toBeUndefined();
  });
});

describe('classifyUpstreamError', () => {
  const headers = (init: Record<string, string> = {}) => new Headers(init);

  it.each([
    [429, 'rate_limit', 429],
    [408, 'timeout', 408],
    [409, 'server', 409],
    [500, 'server', 500],
    [502, 'server', 502],
    [503, 'server', 503],
    [504, 'server', 504],
    [529, 'server', 503],
    [400, 'client', 400],
    [422, 'client', 422],
  ] as const)('status %i → %s (shown as %i)', (status, errorClass, shown) => {
    const failure = classifyUpstreamError('openai', status, '', headers());
    expect(failure.error_class).toBe(errorClass);
    expect(failure.status).toBe(shown);
    expect(failure.message).toBe(`Upstream returned HTTP ${status}.`);
  });

  it.each([401, 403, 404])('status %i blames the channel, not the caller: a retryable 502', (status) => {
    const failure = classifyUpstreamError('openai', status, '', headers());
    expect(failure).toMatchObject({ status: 502, error_class: 'server' });
    expect(failure.message).toContain(`HTTP ${status}`);
  });

  it('reads retry-after and the OpenAI message', () => {
    const failure = classifyUpstreamError('openai', 429, fixture('openai', 'error-rate-limit.json'), headers({ 'retry-after': '20' }));
    expect(failure).toMatchObject({ status: 429, error_class: 'rate_limit', retry_after_s: 20 });
    expect(failure.message).toMatch(/^Rate limit reached/);
  });

  it('keeps credentials out of the message', () => {
    const failure = classifyUpstreamError('openai', 400, fixture('openai', 'error-invalid-key.json'), headers());
    expect(failure.message).not.toContain('sk-proj-abcdefghijklmnop1234');
    expect(failure.message).toContain('[redacted]');
  });

  it('truncates long messages to 300 characters', () => {
    const failure = classifyUpstreamError('openai', 500, JSON.stringify({ error: { message: 'x'.repeat(1000) } }), headers());
    expect(failure.message.length).toBe(300);
  });

  it('reads Anthropic overloaded errors as 503', () => {
    const body = '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
    expect(classifyUpstreamError('anthropic', 529, body, headers())).toEqual({ status: 503, error_class: 'server', message: 'Overloaded' });
  });

  it('reads Gemini errors and RetryInfo', () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '31s' }],
      },
    });
    expect(classifyUpstreamError('gemini', 429, body, headers())).toEqual({
      status: 429,
      error_class: 'rate_limit',
      message: 'Resource has been exhausted (e.g. check quota).',
      retry_after_s: 31,
    });
  });

  it('survives HTML and empty bodies', () => {
    expect(classifyUpstreamError('gemini', 502, '<html>Bad Gateway</html>', headers()).message).toBe('Upstream returned HTTP 502.');
    expect(classifyUpstreamError('anthropic', 500, '', headers()).error_class).toBe('server');
  });
});

describe('errors inside streams: one classifier with plain error responses', () => {
  function streamError(protocol: Protocol, name: string) {
    const decoder = adapters[protocol].createStreamDecoder();
    const events = chunks(protocol, name).flatMap((event) => decoder.push(event));
    const error = events.find((event) => event.type === 'error');
    if (error?.type !== 'error') throw new Error(`no error event in ${name}`);
    return error.error;
  }

  // Regression (issue #10): an upstream's refusal of our channel credential, sent inside a
  // stream before the first token, was returned to the caller as its own 400/401 without a retry.
  it.each(['openai', 'anthropic', 'gemini'] as const)('%s: an invalid channel key mid-stream blames the channel (retryable 502)', (protocol) => {
    const error = streamError(protocol, 'stream-error-invalid-key.chunks.txt');
    expect(error).toMatchObject({ kind: 'upstream', status: 502, error_class: 'server' });
    expect(error.message).toContain('HTTP 401');
  });

  it('the same body as a plain response gets the same answer', () => {
    const body = fixture('openai', 'error-invalid-key.json');
    expect(classifyUpstreamError('openai', 401, body, new Headers())).toMatchObject({ status: 502, error_class: 'server' });
    const gemini = fixture('gemini', 'stream-error-invalid-key.chunks.txt');
    expect(classifyUpstreamError('gemini', 400, gemini, new Headers())).toMatchObject({ status: 502, error_class: 'server' });
  });

  it.each([
    ['openai', { code: 'rate_limit_exceeded', type: 'requests', message: 'slow down' }, 429, 'rate_limit'],
    ['openai', { code: 'insufficient_quota', type: 'insufficient_quota', message: 'quota' }, 429, 'rate_limit'],
    ['openai', { code: null, type: 'server_error', message: 'oops' }, 500, 'server'],
    ['openai', { code: 'invalid_api_key', type: 'invalid_request_error', message: 'bad key' }, 502, 'server'],
    ['openai', { code: 'model_not_found', type: 'invalid_request_error', message: 'no model' }, 502, 'server'],
    ['openai', { code: 'context_length_exceeded', type: 'invalid_request_error', message: 'too long' }, 400, 'client'],
    ['openai', { type: 'permission_error', message: 'no' }, 502, 'server'],
    ['openai', { status: 503, message: 'busy' }, 503, 'server'],
    ['openai', { message: 'who knows' }, 502, 'server'],
    ['anthropic', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 503, 'server'],
    ['anthropic', { type: 'error', error: { type: 'rate_limit_error', message: 'slow' } }, 429, 'rate_limit'],
    ['anthropic', { type: 'error', error: { type: 'api_error', message: 'oops' } }, 500, 'server'],
    ['anthropic', { type: 'error', error: { type: 'permission_error', message: 'no' } }, 502, 'server'],
    ['anthropic', { type: 'error', error: { type: 'invalid_request_error', message: 'bad' } }, 400, 'client'],
    ['gemini', { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' }, 503, 'server'],
    ['gemini', { status: 'DEADLINE_EXCEEDED', message: 'late' }, 504, 'server'],
    ['gemini', { status: 'UNAUTHENTICATED', message: 'who' }, 502, 'server'],
    ['gemini', { code: 404, status: 'NOT_FOUND', message: 'no model' }, 502, 'server'],
    ['gemini', { code: 400, status: 'INVALID_ARGUMENT', message: 'bad' }, 400, 'client'],
  ] as const)('%s %j → %i %s', (protocol, object, status, errorClass) => {
    const line = protocol === 'gemini' ? { data: JSON.stringify({ error: object }) } : protocol === 'openai' ? { data: JSON.stringify({ error: object }) } : { event: 'error', data: JSON.stringify(object) };
    const events = adapters[protocol].createStreamDecoder().push(line);
    const error = events.find((event) => event.type === 'error');
    expect(error?.type === 'error' ? error.error : null).toMatchObject({ kind: 'upstream', status, error_class: errorClass });
  });

  it('keeps RetryInfo from a Gemini rate limit inside a stream', () => {
    const data = JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' }] } });
    const events = adapters.gemini.createStreamDecoder().push({ data });
    expect(events.find((event) => event.type === 'error')).toMatchObject({ error: { status: 429, error_class: 'rate_limit', retry_after_s: 12 } });
  });

  it('scrubs credentials from in-stream messages', () => {
    const events = adapters.openai.createStreamDecoder().push({ data: fixture('openai', 'stream-error-invalid-key.chunks.txt').trim() });
    expect(JSON.stringify(events)).not.toContain('sk-proj-');
  });
});
