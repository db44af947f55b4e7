// The one conversion between an upstream failure and the error a client sees.
import { describe, expect, it } from 'vitest';
import type { UpstreamFailure } from '../protocols/types';
import { exhaustedError, failureError, failureOf } from './failure';

describe('failureError', () => {
  it('keeps status, class, message and Retry-After seconds together', () => {
    expect(failureError({ status: 429, error_class: 'rate_limit', message: 'slow down', retry_after_s: 12 })).toEqual({
      kind: 'upstream', status: 429, error_class: 'rate_limit', message: 'slow down', retry_after_s: 12,
    });
    expect(failureError({ status: 400, error_class: 'client', message: 'bad' })).toEqual({ kind: 'upstream', status: 400, error_class: 'client', message: 'bad' });
  });

  it('round-trips through failureOf', () => {
    const failure: UpstreamFailure = { status: 503, error_class: 'server', message: 'overloaded', retry_after_s: 3 };
    expect(failureOf(failureError(failure), 'fallback')).toEqual(failure);
  });

  it('failureOf blames the channel for anything that is not an upstream error', () => {
    expect(failureOf({ kind: 'internal', message: 'unreadable chunk' }, 'fallback')).toEqual({ status: 502, error_class: 'server', message: 'unreadable chunk' });
    expect(failureOf(null, 'fallback')).toEqual({ status: 502, error_class: 'server', message: 'fallback' });
  });
});

describe('exhaustedError', () => {
  const cases: { last: UpstreamFailure | null; tried: number; status: number; retry?: number }[] = [
    { last: { status: 429, error_class: 'rate_limit', message: 'm', retry_after_s: 9 }, tried: 3, status: 429, retry: 9 },
    { last: { status: 504, error_class: 'timeout', message: 'm' }, tried: 2, status: 504 },
    { last: { status: 502, error_class: 'connection', message: 'm' }, tried: 1, status: 502 },
    { last: { status: 503, error_class: 'server', message: 'm' }, tried: 2, status: 503 },
    { last: { status: 500, error_class: 'server', message: 'm' }, tried: 2, status: 502 },
    { last: null, tried: 0, status: 503 },
  ];
  it.each(cases)('$last.error_class after $tried: $status', ({ last, tried, status, retry }) => {
    const error = exhaustedError(last, tried);
    expect(error).toMatchObject({ kind: 'upstream', status });
    if (error.kind !== 'upstream') return;
    expect(error.retry_after_s).toBe(retry);
    expect(error.message).toContain(`All ${tried} channel${tried === 1 ? '' : 's'} tried failed`);
  });
});
