// Fuzzing the config validator (worker/config/schema.ts): the shipped configs mutated, and
// arbitrary JSON. validateConfig must never throw, every refusal must name a path and say
// why, and whatever it accepts it must accept again. Seeded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../worker/config/schema';
import { applyMutations, jsonValue, mutations, runs } from './arbitraries';
import { checkConfig } from './properties';
import { CONFIG_SEEDS } from './seeds';

describe('config validator', () => {
  it('the shipped configs are valid (the seeds are worth mutating)', () => {
    for (const seed of CONFIG_SEEDS) expect(validateConfig(seed).ok).toBe(true);
  });

  it('mutated configs: a result with a path, never an exception', () => {
    fc.assert(
      fc.property(fc.nat({ max: CONFIG_SEEDS.length - 1 }), mutations, (index, edits) => {
        checkConfig(applyMutations(CONFIG_SEEDS[index]!, edits));
      }),
      { seed: 1204, numRuns: runs(500) },
    );
  });

  it('arbitrary JSON: a result with a path, never an exception', () => {
    fc.assert(fc.property(jsonValue, (document) => checkConfig(document)), { seed: 1205, numRuns: runs(500) });
  });
});
