import { describe, expect, it } from 'vitest';
import { Leadership, type LeaseAnswer } from './leadership';
import { createClusterRole } from './cluster-role';

const T0 = 1_800_000_000_000;
const answer = (overrides: Partial<LeaseAnswer> = {}): LeaseAnswer => ({
  leader: true,
  holder: 'node-a',
  term: 1,
  expires_at: 0, // the worker's clock: deliberately ignored by the node
  score_version: 0,
  ...overrides,
});

describe("a node's view of the lease", () => {
  it('holds from an answer until the send time + TTL − margin, then stops by itself', () => {
    const view = new Leadership({ ttlMs: 15_000, marginMs: 3_000 });
    expect(view.holds(T0)).toBe(false);
    view.onAnswer(answer({ term: 4 }), T0);
    expect(view.holds(T0 + 11_999)).toBe(true);
    expect(view.term(T0 + 11_999)).toBe(4);
    expect(view.holds(T0 + 12_000)).toBe(false);
    expect(view.term(T0 + 12_000)).toBeNull();
  });

  it('counts from when the request was sent, however late the answer arrives', () => {
    const view = new Leadership({ ttlMs: 15_000, marginMs: 3_000 });
    view.onAnswer(answer(), T0 - 10_000); // answered 10 s after it was sent
    expect(view.holds(T0 + 1_999)).toBe(true);
    expect(view.holds(T0 + 2_000)).toBe(false);
  });

  it('renewals extend it; a late answer to an older renewal never shortens it', () => {
    const view = new Leadership({ ttlMs: 15_000, marginMs: 3_000 });
    view.onAnswer(answer(), T0);
    view.onAnswer(answer(), T0 + 5_000);
    view.onAnswer(answer(), T0 + 1_000);
    expect(view.holds(T0 + 16_999)).toBe(true);
    expect(view.holds(T0 + 17_000)).toBe(false);
  });

  it('stops at once when the worker says another node holds it', () => {
    const view = new Leadership({ ttlMs: 15_000 });
    view.onAnswer(answer(), T0);
    view.onAnswer(answer({ leader: false, holder: 'node-b', term: 2 }), T0 + 100);
    expect(view.holds(T0 + 200)).toBe(false);
    expect(view.holder).toBe('node-b');
  });

  it("keeps the worker's newest score version as the floor for the next table", () => {
    const view = new Leadership({ ttlMs: 15_000 });
    view.onAnswer(answer({ score_version: 9_000 }), T0);
    view.onAnswer(answer({ score_version: 5 }), T0 + 1);
    expect(view.versionFloor).toBe(9_000);
  });

  it('refuses a margin as long as the TTL', () => {
    expect(() => new Leadership({ ttlMs: 1_000, marginMs: 1_000 })).toThrow(/margin/);
  });
});

describe('the cluster role', () => {
  it('acts only while the lease is held and numbers tables past the worker’s version', async () => {
    let clock = T0;
    const answers = [answer({ term: 7, score_version: T0 + 60_000 }), answer({ leader: false, holder: 'node-b', term: 8 })];
    const gained: number[] = [];
    const role = createClusterRole({
      cluster: { nodeId: 'node-a', leaseTtlS: 15, leaseCall: async () => ({ ok: true, answer: answers.shift()! }) },
      internalSecret: 's',
      now: () => clock,
      onLeader: (term) => gained.push(term),
    });
    expect(role.isLeader()).toBe(false);
    await role.start();
    role.stop();
    expect(gained).toEqual([7]);
    expect(role.isLeader()).toBe(true);
    expect(role.term()).toBe(7);
    // This node's clock is a minute behind the table the worker holds: the floor wins.
    expect(role.versionFloor(T0)).toBe(T0 + 60_000);
    clock = T0 + 12_000; // TTL 15 s − margin 3 s, no renewal heard
    expect(role.isLeader()).toBe(false);
    expect(role.term()).toBeNull();
  });

  it('a node without cluster options, or without a worker, is its own leader', async () => {
    const alone = createClusterRole({ internalSecret: 's', now: Date.now });
    expect([alone.clustered, alone.isLeader(), alone.term()]).toEqual([false, true, null]);
    const sharedStoreNoWorker = createClusterRole({ cluster: { nodeId: 'n1' }, internalSecret: 's', now: Date.now });
    expect([sharedStoreNoWorker.clustered, sharedStoreNoWorker.isLeader(), sharedStoreNoWorker.term()]).toEqual([true, true, null]);
    expect(() => createClusterRole({ cluster: { nodeId: 'a b' }, internalSecret: 's', now: Date.now })).toThrow(/node id/);
  });
});
