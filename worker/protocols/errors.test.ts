import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../errors';
import { classifyUpstreamError, renderError } from './index';
import { fixture } from './shared/test-helpers';

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
        param: error.kind === 'invalid_request' || error.kind === 'unsupported' ? error.param : error.kind === 'model_not_found' ? 'model' : null,
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

  it('sends retry-after when the error has one', () => {
    expect(renderError('openai', { kind: 'rate_limited', message: 'x', retry_after_s: 7 }).headers['retry-after']).toBe('7');
    expect(renderError('gemini', { kind: 'upstream', status: 429, error_class: 'rate_limit', message: 'x', retry_after_s: 2.2 }).headers['retry-after']).toBe('3');
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
