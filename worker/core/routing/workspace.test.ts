// plan() borrows its scratch memory from a pool (workspace.ts). Pure from the caller's view:
// plans of any sizes, interleaved, nested inside a random source, or after a throwing one,
// give exactly what each gives on fresh memory.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionRecordOf } from './decision';
import { plan } from './plan';
import { ScoreIndex } from './score-index';
import { candidate, live, planInput, score } from './test-support';
import type { PlanInput } from './types';
import { drainWorkspacePool } from './workspace';

const inputArbitrary = fc
  .record({
    size: fc.integer({ min: 0, max: 40 }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    explain: fc.boolean(),
    scored: fc.double({ min: 0, max: 1, noNaN: true }),
    open: fc.integer({ min: 0, max: 40 }),
    ignore: fc.integer({ min: 0, max: 40 }),
    mode: fc.constantFrom('economy' as const, 'balanced' as const, 'performance' as const, 'stability' as const),
    two_models: fc.boolean(),
  })
  .map((spec): PlanInput => {
    const fleet = Array.from({ length: spec.size }, (_, index) =>
      candidate(`c${index}`, { model: spec.two_models && index % 3 === 0 ? 'n' : 'm', cost: { input_per_mtok: ((index * 37) % 10) / 10, output_per_mtok: 1 } }),
    );
    const scores = fleet
      .filter((_, index) => (index * 0.618) % 1 < spec.scored)
      .map((entry, index) => score(entry.channel_id, { model: entry.model, ttft_p50_ms: 100 + index * 30, samples: index % 4 === 0 ? 5 : 500 }));
    const input = planInput(fleet, {
      seed: spec.seed,
      explain: spec.explain,
      scores,
      models: spec.two_models ? ['m', 'n'] : ['m'],
      live: live({ [`c${spec.open}`]: { breaker: 'open' }, [`c${spec.open + 1}`]: { in_flight: 40 } }),
      policy: { mode: spec.mode, provider: { ignore: [`c${spec.ignore}`] } },
    });
    return { ...input, scores: new ScoreIndex(input.scores.values()) };
  });

/** What a plan says, as data: its attempts, explanation and decision record. */
function outcome(input: PlanInput) {
  const result = plan({ ...input, random: input.random });
  return { attempts: result.attempts.map((entry) => entry.channel_id), explanation: result.explanation, decision: decisionRecordOf(result, 1) };
}

/** The same input with its own copy of the random source's state. */
function replay(input: PlanInput, seed: number): PlanInput {
  return { ...input, random: planInput([], { seed }).random };
}

describe('workspace pool', () => {
  it('interleaved plans of different sizes equal plans on fresh workspaces', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(inputArbitrary, fc.integer({ min: 1, max: 1_000_000 })), { minLength: 2, maxLength: 12 }), (cases) => {
        const fresh = cases.map(([input, seed]) => {
          drainWorkspacePool();
          return outcome(replay(input, seed));
        });
        // Reused memory, in another order, each plan's explanation read only after all of them.
        const order = cases.map((_, index) => index).reverse();
        const plans = order.map((index) => plan(replay(cases[index]![0], cases[index]![1])));
        order.forEach((index, position) => {
          const result = plans[position]!;
          expect(result.attempts.map((entry) => entry.channel_id)).toEqual(fresh[index]!.attempts);
          expect(result.explanation).toEqual(fresh[index]!.explanation);
          expect(decisionRecordOf(result, 1)).toEqual(fresh[index]!.decision);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a plan made inside another plan (from its random source) disturbs neither', () => {
    fc.assert(
      fc.property(inputArbitrary, inputArbitrary, (outer, inner) => {
        drainWorkspacePool();
        const expectedOuter = outcome(replay(outer, 7));
        const expectedInner = outcome(replay(inner, 9));
        const innerRandom = replay(inner, 9);
        const outerRandom = replay(outer, 7).random;
        let nested: ReturnType<typeof outcome> | undefined;
        const result = plan({
          ...outer,
          random: () => {
            nested ??= outcome(innerRandom);
            return outerRandom();
          },
        });
        expect(result.explanation).toEqual(expectedOuter.explanation);
        expect(result.attempts.map((entry) => entry.channel_id)).toEqual(expectedOuter.attempts);
        if (nested) expect(nested).toEqual(expectedInner);
      }),
      { numRuns: 100 },
    );
  });

  it('a random source that throws leaves nothing behind', () => {
    const input = planInput(Array.from({ length: 20 }, (_, index) => candidate(`c${index}`)), { seed: 3 });
    const expected = outcome(replay(input, 3));
    for (let round = 0; round < 10; round++) {
      expect(() =>
        plan({
          ...input,
          random: () => {
            throw new Error('boom');
          },
        }),
      ).toThrow('boom');
    }
    expect(outcome(replay(input, 3))).toEqual(expected);
  });
});
