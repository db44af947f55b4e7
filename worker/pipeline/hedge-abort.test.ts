// A primary its hedge overtook before any answer: logged 'cancelled', but its channel's live
// signals hear a timeout, so a channel that hangs still trips its breaker while hedges hide
// the hang from callers. A losing hedge (started late) is a plain cancellation.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Candidate } from '../core/types';
import type { InboundRequest } from '../protocols/types';
import type { LiveSignals } from '../signals/live-signals';
import { OVERTAKEN_PRIMARY, runAttempt, type AttemptContext } from './attempt';

const candidate = { channel_id: 'slow', dialect: 'openai', model: 'm', upstream_model: 'm', base_url: 'http://upstream.invalid' } as unknown as Candidate;

function contextHearing(outcomes: unknown[]): AttemptContext {
  const live = { begin() {}, firstByte() {}, end: (_channel: string, outcome: unknown) => void outcomes.push(outcome) } as unknown as LiveSignals;
  return {
    inbound: { protocol: 'openai', stream: false, input_tokens_estimate: 100 } as unknown as InboundRequest,
    request_id: 'r',
    received_at: 0,
    timings: { ttftMs: 30_000, idleMs: 30_000 },
    live,
  };
}

/** An upstream that never answers: its fetch ends only when aborted. */
function hangingUpstream(): void {
  vi.stubGlobal('fetch', (_url: string, init: RequestInit) =>
    new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason))));
}

afterEach(() => vi.unstubAllGlobals());

describe('an attempt aborted by a hedge race', () => {
  for (const [reason, heard] of [
    [OVERTAKEN_PRIMARY, { ok: false, error_class: 'timeout' }],
    [undefined, { ok: false, error_class: 'cancelled' }],
  ] as const) {
    it(`${reason === undefined ? 'a losing hedge' : 'an overtaken primary'}: logged cancelled, heard as ${heard.error_class}`, async () => {
      hangingUpstream();
      const outcomes: unknown[] = [];
      const control = new AbortController();
      const running = runAttempt(candidate, 1, { url: 'http://upstream.invalid/v1/chat/completions', headers: {}, body: '{}' }, contextHearing(outcomes), control.signal);
      control.abort(reason);
      const result = await running;
      expect(result.kind).toBe('failed');
      if (result.kind === 'failed') expect(result.report.error_class).toBe('cancelled');
      expect(outcomes).toEqual([heard]);
    });
  }
});
