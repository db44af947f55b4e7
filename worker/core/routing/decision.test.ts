// decisionRecordOf: the router's decision for the first attempt's log record, from the plan's
// kept rows. Checked against the full explanation of the same plan.
import { describe, expect, it } from 'vitest';
import { decisionRecordOf, MAX_DECISION_CANDIDATES } from './decision';
import { plan } from './plan';
import { candidate, live, planInput, score } from './test-support';

const fleet = (count: number) =>
  Array.from({ length: count }, (_, index) => candidate(`c${index}`, { cost: { input_per_mtok: 0.2 + (index % 7) / 10, output_per_mtok: 1 + (index % 5) / 5 } }));

describe('decisionRecordOf', () => {
  it('keeps the 16 most probable candidates, most probable first, and counts them all', () => {
    for (const explain of [false, true]) {
      const input = planInput(fleet(100), { explain, seed: 5 });
      const record = decisionRecordOf(plan(input), 42);
      const full = plan({ ...planInput(fleet(100), { seed: 5 }), explain: true }).explanation;
      const expected = full
        .map((entry) => entry.probability)
        .sort((a, b) => b - a)
        .slice(0, MAX_DECISION_CANDIDATES);
      expect(record.total_candidates).toBe(100);
      expect(record.candidates).toHaveLength(MAX_DECISION_CANDIDATES);
      expect(record.candidates.map((entry) => entry.probability)).toEqual(expected);
      expect(record.score_version).toBe(42);
      expect(record.candidates.reduce((sum, entry) => sum + entry.probability, 0)).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('lists the plan, and always the first attempt, even when an improbable candidate was drawn', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const result = plan(planInput(fleet(60), { seed, explain: false }));
      const record = decisionRecordOf(result, 1);
      expect(record.plan).toEqual(result.attempts.map((attempt) => attempt.channel_id));
      expect(record.candidates.map((entry) => entry.channel_id)).toContain(record.plan[0]);
    }
  });

  it('adds rejected candidates after the usable ones while there is room', () => {
    const candidates = fleet(5);
    const record = decisionRecordOf(plan(planInput(candidates, { policy: { provider: { ignore: ['c1', 'c3'] } } })), 1);
    expect(record.candidates.map((entry) => entry.rejected ?? 'live')).toEqual(['live', 'live', 'live', 'provider.ignore', 'provider.ignore']);
    expect(record.candidates[3]).toEqual({ channel_id: 'c1', model: 'm', utility: 0, probability: 0, rejected: 'provider.ignore' });
    expect(record.candidates[0]!.components).toEqual(expect.objectContaining({ margin: expect.any(Number), load: expect.any(Number) }));
  });

  it('copies the summary: mode, rule, temperature, exploration and weights', () => {
    const result = plan(planInput(fleet(3), { policy: { mode: 'economy' } }));
    const record = decisionRecordOf(result, 3);
    expect(record).toMatchObject({ mode: 'economy', rule: 'sample', temperature: result.summary!.temperature, weights: result.summary!.weights });
  });

  it('says why the first attempt won', () => {
    const reason = (input: ReturnType<typeof planInput>) => decisionRecordOf(plan(input), 1).reason;
    expect(reason(planInput(fleet(1)))).toBe('only candidate');
    expect(reason(planInput(fleet(3), { policy: { provider: { order: ['c2'] } } }))).toBe('provider.order');
    expect(reason(planInput(fleet(3), { policy: { provider: { sort: 'latency' } } }))).toBe('provider.sort: latency');
    expect(reason(planInput(fleet(3), { policy: { provider: { only: ['zz'] } } }))).toBe('no candidate satisfies the constraints');
    // One channel far better than the rest: it is drawn, with the highest utility.
    const cheap = [candidate('best', { cost: { input_per_mtok: 0.01, output_per_mtok: 0.01 } }), ...fleet(3)];
    expect(reason(planInput(cheap, { policy: { mode: 'economy' } }))).toMatch(/^sampled: p=0\.\d\d \(highest utility \d\.\d\d\)$/);
    // Every channel but one is open: the one left is the only candidate of the healthy tier.
    const open = live({ c0: { breaker: 'open' }, c1: { breaker: 'open' } });
    expect(reason(planInput(fleet(3), { live: open }))).toBe('only candidate');
    // A half-open breaker's probe share.
    const probe = planInput(fleet(2), { live: live({ c1: { breaker: 'half_open' } }), scores: [score('c0'), score('c1')] });
    const reasons = new Set<string>();
    for (let seed = 1; seed <= 100; seed++) reasons.add(reason({ ...probe, random: planInput(fleet(2), { seed }).random }));
    expect([...reasons].some((line) => line.startsWith('probe: breaker half-open or recovering'))).toBe(true);
  });

  it('marks channels placed after the healthy ones as down, with their components', () => {
    const record = decisionRecordOf(plan(planInput(fleet(3), { live: live({ c2: { breaker: 'open' } }) })), 1);
    const down = record.candidates.find((entry) => entry.channel_id === 'c2')!;
    expect(down.rejected).toBe('down');
    expect(down.probability).toBe(0);
    expect(down.components).toBeDefined();
  });
});
