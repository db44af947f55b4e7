// Prompt-cache affinity and cluster-wide load in the planner (issue 14), through plan() and
// the decision record: what the worker calls.
import { describe, expect, it } from 'vitest';
import { decisionRecordOf } from './decision';
import { formatExplanation, plan } from './plan';
import { candidate, planInput, score } from './test-support';
import type { ConversationContext } from './types';

const NOW = 1_000_000;
const cached = { input_per_mtok: 0.5, output_per_mtok: 1.5, cached_input_per_mtok: 0.05 };
const warmOnA: ConversationContext = { key: 'k', last_channel_id: 'a', last_served_at: NOW - 20_000, prefix_tokens: 8000 };
// b is a little cheaper than a: without a conversation it wins most first choices.
const fleet = [
  candidate('a', { cost: cached }),
  candidate('b', { cost: { ...cached, input_per_mtok: 0.45, cached_input_per_mtok: 0.045 } }),
];

function firstShare(channel: string, conversation: ConversationContext | undefined, options: Parameters<typeof planInput>[1] = {}) {
  const input = { ...planInput(fleet, { input_tokens: 9000, mode: undefined, ...options } as Parameters<typeof planInput>[1]), ...(conversation ? { conversation } : {}) };
  return plan(input).explanation.find((entry) => entry.channel_id === channel)!.probability;
}

describe('conversation affinity', () => {
  it('keeps a conversation on its warm channel that plain margin would leave', () => {
    expect(firstShare('a', undefined, { policy: { mode: 'economy' } })).toBeLessThan(0.35);
    expect(firstShare('a', warmOnA, { policy: { mode: 'economy' } })).toBeGreaterThan(0.95);
  });

  it('spends exploration on requests with no warm cache only', () => {
    // c has no score: a stale-or-thin channel the exploration share is for.
    const withThin = [...fleet, candidate('c', { cost: cached })];
    const share = (conversation: ConversationContext | undefined) =>
      plan({ ...planInput(withThin, { input_tokens: 9000, scores: [score('a'), score('b')] }), ...(conversation ? { conversation } : {}) })
        .explanation.find((entry) => entry.channel_id === 'c')!.probability;
    expect(share(undefined)).toBeGreaterThan(0.01);
    expect(share({ ...warmOnA, last_channel_id: null, last_served_at: null })).toBeGreaterThan(0.01);
    expect(share(warmOnA)).toBe(0);
  });

  it('shows the affinity term in the explanation, the debug header and the decision record', () => {
    const routed = plan({ ...planInput(fleet, { input_tokens: 9000 }), conversation: warmOnA });
    const a = routed.explanation.find((entry) => entry.channel_id === 'a')!;
    expect(a.components.affinity).toBeGreaterThan(0);
    expect(formatExplanation(routed)).toMatch(/a@m p=[^|]* aff=\./);
    expect(routed.attempts[0]!.channel_id).toBe('a');
    expect(decisionRecordOf(routed, 3).reason).toMatch(/; warm cache on a kept \(affinity \+0\.\d+\)$/);
    // The record's components carry the term too (the console's explorer shows them)…
    const recorded = decisionRecordOf(routed, 3).candidates.find((entry) => entry.channel_id === 'a')!;
    expect(recorded.components!.affinity).toBeCloseTo(a.components.affinity!, 4);
    // …and only for a conversation's request.
    const plain = decisionRecordOf(plan(planInput(fleet, { input_tokens: 9000 })), 3);
    expect(plain.candidates.every((entry) => entry.components!.affinity === undefined)).toBe(true);
  });

  it('moves when another channel\'s advantage exceeds the cache it would lose', () => {
    const cheap = [fleet[0]!, candidate('b', { cost: { input_per_mtok: 0.1, output_per_mtok: 0.3, cached_input_per_mtok: 0.01 } })];
    const routed = plan({ ...planInput(cheap, { input_tokens: 9000, policy: { mode: 'economy' } }), conversation: warmOnA });
    expect(routed.attempts[0]!.channel_id).toBe('b');
    expect(decisionRecordOf(routed, 3).reason).toContain('warm cache on a left');
  });

  it('leaves a warm channel that is down, whatever its cache', () => {
    const routed = plan({
      ...planInput(fleet, { input_tokens: 9000, scores: [score('a', { down: true }), score('b')] }),
      conversation: warmOnA,
    });
    expect(routed.attempts.map((attempt) => attempt.channel_id)).toEqual(['b', 'a']);
  });

  it('places a new conversation by its turn: an opening turn looks further ahead than a late one', () => {
    // a caches deeply (Anthropic's tenth), b lists cheaper but caches at half (OpenAI's).
    const deepOrCheap = [
      candidate('a', { cost: { input_per_mtok: 1.8, output_per_mtok: 9, cached_input_per_mtok: 0.18 } }),
      candidate('b', { cost: { input_per_mtok: 1.5, output_per_mtok: 7.5, cached_input_per_mtok: 0.75 } }),
    ];
    const newConversation = (turn: number | undefined): ConversationContext => ({
      key: 'k', last_channel_id: null, last_served_at: null, prefix_tokens: 3000, ...(turn === undefined ? {} : { turn }),
    });
    const shareOfA = (turn: number | undefined) =>
      plan({ ...planInput(deepOrCheap, { input_tokens: 3300, output_tokens: 300, policy: { mode: 'economy' } }), conversation: newConversation(turn) })
        .explanation.find((entry) => entry.channel_id === 'a')!.probability;
    expect(shareOfA(1)).toBeGreaterThan(0.9);
    expect(shareOfA(1)).toBeGreaterThan(shareOfA(12) + 0.2);
    expect(shareOfA(12)).toBeCloseTo(shareOfA(undefined), 10);
  });

  it('forgets a cache past its lifetime', () => {
    const expired = { ...warmOnA, last_served_at: NOW - 301_000 };
    expect(firstShare('a', expired, { policy: { mode: 'economy' } })).toBeLessThan(0.45); // b, a little cheaper, leads again
  });
});

describe('cluster-wide load', () => {
  const twins = [candidate('a', { max_concurrency: 100 }), candidate('b', { max_concurrency: 100 })];
  const shareOfA = (inFlight: number | null) =>
    plan(planInput(twins, { scores: [score('a', { in_flight: inFlight }), score('b', { in_flight: 10 })] })).explanation.find(
      (entry) => entry.channel_id === 'a',
    )!;

  it('weighs the pushed cluster concurrency against max_concurrency past the knee', () => {
    expect(shareOfA(10).probability).toBeCloseTo(0.5, 2);
    expect(shareOfA(50).probability).toBeCloseTo(0.5, 2); // under the knee: no reason to leave
    const busy = shareOfA(95);
    expect(busy.components.load).toBeLessThan(0.2);
    expect(busy.probability).toBeLessThan(0.05);
  });

  it('ignores the cluster count for a channel without max_concurrency', () => {
    const unlimited = [candidate('a'), candidate('b')];
    const routed = plan(planInput(unlimited, { scores: [score('a', { in_flight: 500 }), score('b')] }));
    expect(routed.explanation.find((entry) => entry.channel_id === 'a')!.probability).toBeCloseTo(0.5, 2);
  });
});
