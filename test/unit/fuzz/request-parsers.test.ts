// Fuzzing every client-format request parser: real requests of each format mutated (fields
// dropped, duplicated, reordered, retyped, made huge or deeply nested) and arbitrary JSON,
// through parseInbound, toCanonical and buildUpstreamRequest to all four dialects. Seeded, so
// a failure replays; FUZZ_RUNS_FACTOR scales the budget (the soak run raises it).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RouteContext } from '../../../worker/protocols/types';
import { applyMutations as applyEdits, jsonValue, mutations, runs } from './arbitraries';
import { checkRequest } from './properties';
import { PROTOCOLS, REQUEST_SEEDS } from './seeds';

const ROUTES: RouteContext[] = [
  { operation: 'generate' },
  { operation: 'generate', path_model: 'gemini-2.5-flash', path_stream: true },
  { operation: 'embed', path_model: 'text-embedding-004' },
  { operation: 'embed', path_model: 'text-embedding-004', path_batch: true },
  { operation: 'count_tokens', path_model: 'm' },
];

describe.each(PROTOCOLS)('%s request parser', (protocol) => {
  const seeds = REQUEST_SEEDS[protocol];

  it('mutated real requests end as a 4xx or a JSON upstream body for every dialect', () => {
    let accepted = 0;
    const numRuns = runs(400);
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), mutations, (index, edits) => {
        const seed = seeds[index]!;
        if (checkRequest(protocol, applyEdits(seed.body, edits), seed.route) !== null) accepted += 1;
      }),
      { seed: 1201, numRuns },
    );
    // Both sides are exercised: many mutations still parse and reach the builders.
    expect(accepted).toBeGreaterThan(numRuns / 10);
    expect(accepted).toBeLessThan(numRuns);
  });

  it('arbitrary JSON bodies on every route shape end as a 4xx or a JSON upstream body', () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom(...ROUTES), (body, route) => {
        checkRequest(protocol, body, route);
      }),
      { seed: 1202, numRuns: runs(300) },
    );
  });
});

