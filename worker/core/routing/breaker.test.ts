import { describe, expect, it } from 'vitest';
import {
  breakerAttemptEnded,
  breakerAttemptStarted,
  breakerStatus,
  closedBreaker,
  DEFAULT_BREAKER,
  type Breaker,
} from './breaker';

const fail = (breaker: Breaker, now: number) => breakerAttemptEnded(breaker, 'connection', now);
const succeed = (breaker: Breaker, now: number, evidenceAt = now) =>
  breakerAttemptEnded(breaker, 'none', now, DEFAULT_BREAKER, evidenceAt);

function openAt(now: number): Breaker {
  let breaker = closedBreaker();
  for (let index = 0; index < DEFAULT_BREAKER.consecutive_failures; index++) breaker = fail(breaker, now + index);
  return breaker;
}

describe('circuit breaker', () => {
  it('opens after a burst of consecutive failures', () => {
    let breaker = closedBreaker();
    breaker = fail(breaker, 1000);
    breaker = fail(breaker, 1010);
    expect(breakerStatus(breaker, 1020)).toBe('closed');
    breaker = fail(breaker, 1020);
    expect(breakerStatus(breaker, 1030)).toBe('open');
  });

  it('stays closed for occasional failures among successes', () => {
    let breaker = closedBreaker();
    for (let index = 0; index < 1000; index++) {
      breaker = index % 20 === 0 ? fail(breaker, index * 100) : succeed(breaker, index * 100);
    }
    expect(breakerStatus(breaker, 100_000)).toBe('closed');
  });

  it('opens on a failure share over the window even without a run', () => {
    let breaker = closedBreaker();
    for (let index = 0; index < 20; index++) {
      breaker = index % 3 === 2 ? succeed(breaker, 1000 + index) : fail(breaker, 1000 + index);
      if (breakerStatus(breaker, 1000 + index) === 'open') return;
    }
    throw new Error('never opened');
  });

  it('half-opens after the cool-down, allows one probe, closes on success', () => {
    let breaker = openAt(1000);
    expect(breakerStatus(breaker, 1000 + DEFAULT_BREAKER.base_cooldown_ms - 10)).toBe('open');
    const later = 1010 + DEFAULT_BREAKER.base_cooldown_ms;
    expect(breakerStatus(breaker, later)).toBe('half_open');
    breaker = breakerAttemptStarted(breaker, later);
    expect(breakerStatus(breaker, later + 1)).toBe('open'); // the probe slot is taken
    breaker = succeed(breaker, later + 300);
    expect(breakerStatus(breaker, later + 301)).toBe('closed');
  });

  it('doubles the cool-down on each failed probe, up to the cap', () => {
    let breaker = openAt(0);
    let now = 10;
    const cooldowns: number[] = [];
    for (let round = 0; round < 6; round++) {
      cooldowns.push(breaker.cooldown_ms);
      now += breaker.cooldown_ms;
      expect(breakerStatus(breaker, now)).toBe('half_open');
      breaker = breakerAttemptStarted(breaker, now);
      breaker = fail(breaker, now + 15);
      now += 15;
    }
    expect(cooldowns).toEqual([2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('ignores a success that answered before the newest failure (a long stream)', () => {
    let breaker = closedBreaker();
    breaker = fail(breaker, 1000);
    breaker = fail(breaker, 1100);
    breaker = succeed(breaker, 1200, 500); // first byte at 500, ended at 1200
    breaker = fail(breaker, 1300);
    expect(breakerStatus(breaker, 1301)).toBe('open');
  });

  it('does not let client errors or cancellations count', () => {
    let breaker = closedBreaker();
    for (let index = 0; index < 10; index++) breaker = breakerAttemptEnded(breaker, 'client', index);
    for (let index = 0; index < 10; index++) breaker = breakerAttemptEnded(breaker, 'cancelled', index);
    expect(breakerStatus(breaker, 20)).toBe('closed');
  });

  it('is pure: transitions return new states', () => {
    const breaker = closedBreaker();
    const snapshot = JSON.stringify(breaker);
    fail(breaker, 1);
    expect(JSON.stringify(breaker)).toBe(snapshot);
  });

  it('gives a cancelled or client-refused probe\'s slot back without a verdict', () => {
    for (const errorClass of ['cancelled', 'client'] as const) {
      const opened = openAt(1000);
      const cooled = 1000 + DEFAULT_BREAKER.base_cooldown_ms + 100;
      expect(breakerStatus(opened, cooled)).toBe('half_open');
      const probing = breakerAttemptStarted(opened, cooled);
      expect(breakerStatus(probing, cooled + 1)).toBe('open'); // the one probe is out
      // A hedge's loser is cancelled: the slot comes back, so the next probe can go.
      const released = breakerAttemptEnded(probing, errorClass, cooled + 50);
      expect(breakerStatus(released, cooled + 60), errorClass).toBe('half_open');
      expect(released.cooldown_ms).toBe(probing.cooldown_ms);
    }
  });
});
