// The hand-written ingest check against the zod schema it stands in for: on any body that
// JSON.parse can produce, both accept or both refuse, and accepted bodies give equal records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../worker/core/types';
import { ingestBodySchema } from '../schemas';
import { makeRecord } from '../test-support';
import { checkIngestBody } from './record-check';

const decision: DecisionRecord = {
  mode: 'balanced',
  rule: 'sample',
  temperature: 0.2,
  exploration: 0.05,
  weights: { margin: 0.4, ttft: 0.3, throughput: 0.1, reliability: 0.2 },
  score_version: 12,
  total_candidates: 3,
  candidates: [
    { channel_id: 'a', model: 'm', components: { margin: 0.5, ttft: 0.9, throughput: 0.7, reliability: 1, load: 0.1, affinity: 0.2 }, utility: 0.81, probability: 0.62 },
    { channel_id: 'b', model: 'm', utility: 0.4, probability: 0, rejected: 'down' },
  ],
  plan: ['a', 'c'],
  reason: 'sampled p=.62, highest utility .81',
};

// The issue-14 fields are optional, so makeRecord leaves them out: name them to mutate them too.
const RECORD_KEYS = [...Object.keys(makeRecord()), 'conversation', 'cache_state', 'hedge'];
const DECISION_PATHS = [
  'mode', 'rule', 'temperature', 'exploration', 'weights', 'weights.ttft', 'score_version', 'total_candidates',
  'candidates', 'candidates.0', 'candidates.0.components', 'candidates.0.components.load', 'candidates.0.components.affinity', 'candidates.0.probability',
  'candidates.1.rejected', 'candidates.1.channel_id', 'plan', 'plan.0', 'reason',
];

/** Values near the edges of every bound, and any JSON value. */
const value = fc.oneof(
  { arbitrary: fc.jsonValue(), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { weight: 4, arbitrary: fc.constantFrom(0, -0, -1, 1, 0.5, 1.5, 2_147_483_647, 2_147_483_648, 8_640_000_000_000, 8_640_000_000_001, 1e9, 1e9 + 1, 2 ** 53, 1e300, -1e300) },
  { weight: 2, arbitrary: fc.constantFrom('', 'x', 'x'.repeat(256), 'x'.repeat(257), 'x'.repeat(2000), 'x'.repeat(2001), null, true, [], {}) },
  { weight: 2, arbitrary: fc.constantFrom('openai', 'anthropic', 'gemini', 'responses', 'none', 'server', 'sample', 'sort', 'bogus', 'warm', 'cold', 'primary', 'hedge') },
);

type Mutation = { path: string; change: 'set' | 'delete'; value: unknown };
const mutation = fc.record({
  path: fc.oneof(fc.constantFrom(...RECORD_KEYS, 'unknown_key'), fc.constantFrom(...DECISION_PATHS).map((path) => `decision.${path}`)),
  change: fc.constantFrom('set', 'delete'),
  value,
}) as fc.Arbitrary<Mutation>;

function apply(target: Record<string, unknown>, { path, change, value: next }: Mutation): void {
  const parts = path.split('.');
  let node: unknown = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node !== 'object' || node === null) return;
  const last = parts.at(-1)!;
  if (change === 'delete') delete (node as Record<string, unknown>)[last];
  else (node as Record<string, unknown>)[last] = next;
}

const body = fc
  .record({
    withDecision: fc.boolean(),
    count: fc.integer({ min: 1, max: 3 }),
    mutations: fc.array(fc.tuple(fc.nat(2), mutation), { maxLength: 2 }),
    // Now and then a whole body that is not `{ records }`.
    topLevel: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: value }),
  })
  .map(({ withDecision, count, mutations, topLevel }) => {
    const records: Array<Record<string, unknown>> = Array.from({ length: count }, (_, index) => ({
      ...makeRecord({ request_id: `r${index}` }),
      ...(withDecision ? { decision: structuredClone(decision) } : {}),
    }));
    for (const [index, change] of mutations) if (records[index] !== undefined) apply(records[index]!, change);
    // Round trip: the route only ever sees what JSON.parse makes.
    return JSON.stringify(topLevel === null ? { records } : topLevel);
  });

describe('checkIngestBody', () => {
  it('accepts exactly what the zod schema accepts, with the same records', () => {
    fc.assert(
      fc.property(body, (text) => {
        const expected = ingestBodySchema.safeParse(JSON.parse(text));
        const actual = checkIngestBody(JSON.parse(text));
        expect(actual !== null).toBe(expected.success);
        if (expected.success && actual !== null) {
          const known = actual.map((record) => Object.fromEntries(Object.entries(record).filter(([key]) => key in ingestBodySchema.shape.records.element.shape)));
          expect(known).toStrictEqual(expected.data.records);
          // Stored as JSON: the same text as zod's output, unknown keys stripped.
          expect(JSON.stringify(actual.map((record) => record.decision))).toBe(JSON.stringify(expected.data.records.map((record) => record.decision)));
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses a decision over its bounds', () => {
    const many = { ...decision, candidates: Array.from({ length: 17 }, () => decision.candidates[1]!) };
    expect(checkIngestBody({ records: [makeRecord({ decision: many })] })).toBeNull();
    expect(checkIngestBody({ records: [makeRecord({ decision: { ...decision, reason: 'x'.repeat(257) } })] })).toBeNull();
    expect(checkIngestBody({ records: [makeRecord({ decision })] })).not.toBeNull();
  });
});
