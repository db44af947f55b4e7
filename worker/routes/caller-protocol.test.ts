import { describe, expect, it } from 'vitest';
import { callerProtocol, credentialStyle } from './caller-protocol';
import { betaQuery } from './client-anthropic';
import { geminiTarget } from './client-gemini';

const request = (path: string, headers: Record<string, string> = {}) => new Request(`http://worker${path}`, { headers });

describe('callerProtocol', () => {
  it.each([
    ['/v1/responses', {}, 'openai-responses'],
    ['/v1/responses/resp_1/cancel', { 'x-api-key': 'k' }, 'openai-responses'],
    ['/v1/messages/batches', {}, 'anthropic'],
    ['/v1beta/anything', {}, 'gemini'],
    ['/v1/models/m:embedContent', {}, 'gemini'],
    ['/v1/tunedModels/t:generateContent', {}, 'gemini'],
    ['/v1/models', { 'x-goog-api-key': 'k', 'anthropic-version': '2023-06-01' }, 'gemini'],
    ['/v1/models?key=k', {}, 'gemini'],
    ['/v1/models', { 'anthropic-version': '2023-06-01' }, 'anthropic'],
    ['/v1/models', { 'x-api-key': 'k' }, 'anthropic'],
    ['/v1/models', { authorization: 'Bearer k' }, 'openai'],
    ['/admin/users', { 'x-api-key': 'k' }, 'openai'],
    ['/internal/health?key=x', {}, 'openai'],
  ] as const)('%s %j → %s', (path, headers, protocol) => {
    expect(callerProtocol(request(path, headers))).toBe(protocol);
  });

  it('credential style: Google before Anthropic before OpenAI', () => {
    expect(credentialStyle(new Headers({ 'x-api-key': 'k' }), new URL('http://w/v1/models?key=1'))).toBe('gemini');
    expect(credentialStyle(new Headers(), new URL('http://w/v1/models'))).toBe('openai');
  });
});

describe('betaQuery', () => {
  it('keeps the query only for beta=true, never a credential', () => {
    expect(betaQuery(new URLSearchParams('beta=true'))).toBe('beta=true');
    expect(betaQuery(new URLSearchParams('beta=true&key=sk-secret&api_key=x&token=y'))).toBe('beta=true');
    expect(betaQuery(new URLSearchParams('key=sk-secret'))).toBe('');
    expect(betaQuery(new URLSearchParams(''))).toBe('');
  });
});

describe('geminiTarget', () => {
  it('splits model and method at the last colon', () => {
    expect(geminiTarget('gemini-2.5-flash:streamGenerateContent')).toEqual({ model: 'gemini-2.5-flash', method: 'streamGenerateContent' });
    expect(geminiTarget('tunedModels/x:y:generateContent')).toEqual({ model: 'tunedModels/x:y', method: 'generateContent' });
    expect(geminiTarget('m1%3AgenerateContent')).toEqual({ model: '', method: '' });
    expect(geminiTarget(':generateContent')).toEqual({ model: '', method: '' });
  });
});
