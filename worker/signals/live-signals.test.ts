import { describe, expect, it } from 'vitest';
import { LiveSignals } from './live-signals';
import { LiveSignalMap } from '../core/routing/live-signal-map';

describe('LiveSignals', () => {
  it('hands the router the same map and the same object per channel, refreshed in place', () => {
    // The router remembers these objects between plans (core/routing/candidate-scores.ts):
    // only a LiveSignalMap lets it, and an entry replaced by a new object would be missed.
    const live = new LiveSignals();
    live.begin('a', 0);
    const first = live.snapshot(1);
    const view = first.get('a');
    expect(first).toBeInstanceOf(LiveSignalMap);
    live.begin('a', 2);
    live.begin('b', 2);
    const second = live.snapshot(3);
    expect(second).toBe(first);
    expect(second.get('a')).toBe(view);
    expect(view!.in_flight).toBe(2);
  });

  it('counts requests in flight', () => {
    const live = new LiveSignals();
    live.begin('a', 0);
    live.begin('a', 1);
    live.begin('b', 1);
    expect(live.snapshot(2).get('a')!.in_flight).toBe(2);
    live.end('a', { ok: true }, 3);
    expect(live.snapshot(4).get('a')!.in_flight).toBe(1);
    expect(live.snapshot(4).get('b')!.in_flight).toBe(1);
  });

  it('opens the breaker on a burst of failures and decays recent failures', () => {
    const live = new LiveSignals();
    for (let index = 0; index < 3; index++) {
      live.begin('a', index * 10);
      live.end('a', { ok: false, error_class: 'connection' }, index * 10 + 5);
    }
    const now = live.snapshot(100).get('a')!;
    expect(now.breaker).toBe('open');
    expect(now.recent_failures).toBeGreaterThan(2.9);
    expect(live.snapshot(60_000).get('a')!.recent_failures).toBeLessThan(0.01);
    expect(live.snapshot(60_000).get('a')!.breaker).toBe('half_open');
  });

  it('counts a success at its first byte and tracks the streak', () => {
    const live = new LiveSignals();
    live.begin('a', 0);
    live.end('a', { ok: false, error_class: 'server' }, 10);
    live.begin('a', 20);
    live.firstByte('a', 300);
    expect(live.snapshot(301).get('a')!.success_streak).toBe(1);
    live.end('a', { ok: true, after_first_byte: true }, 5000);
    const view = live.snapshot(5001).get('a')!;
    expect(view.success_streak).toBe(1);
    expect(view.in_flight).toBe(0);
  });

  it('reports attempts stalled without any answer', () => {
    const live = new LiveSignals();
    live.begin('a', 0);
    live.firstByte('a', 200);
    live.begin('a', 1000);
    live.begin('a', 1500);
    expect(live.snapshot(9000).get('a')!.stalled_ms).toBe(8000);
    live.firstByte('a', 9100);
    expect(live.snapshot(9200).get('a')!.stalled_ms).toBe(100);
  });

  it('ignores client errors for health', () => {
    const live = new LiveSignals();
    for (let index = 0; index < 10; index++) {
      live.begin('a', index);
      live.end('a', { ok: false, error_class: 'client' }, index + 1);
    }
    const view = live.snapshot(20).get('a')!;
    expect(view.breaker).toBe('closed');
    expect(view.recent_failures).toBe(0);
  });
});
