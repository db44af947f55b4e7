// The router's results pinned, to the last bit: 300 seeded random inputs (plan-golden-cases.ts)
// planned with a seeded random source, compared with plan-golden.json, which was written by
// the code before the performance work of issue #11. An optimisation that changes any
// attempt, the summary, the decision record or any number the plan keeps (components,
// utility, probability, exactly as doubles) fails here.
// Regenerate (only for an intended change of results): GOLDEN_UPDATE=1 npx vitest run --project unit worker/core/routing/plan-golden.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisionRecordOf } from './decision';
import { plan } from './plan';
import { GOLDEN_CASES, goldenInput } from './plan-golden-cases';
import { drainWorkspacePool } from './workspace';

const FIXTURE = path.join(import.meta.dirname, 'plan-golden.json');

/** JSON has no NaN, ±Infinity or −0: spell them as strings so that they compare exactly too. */
function exactly(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value);
}

/** Everything a plan says, as JSON-comparable data. */
function outcomeOf(index: number): unknown {
  const result = plan(goldenInput(index));
  const rows = result.rows;
  const outcome = {
    case: index,
    attempts: result.attempts.map((attempt) => `${attempt.channel_id}@${attempt.model}`),
    summary: result.summary,
    decision: decisionRecordOf(result, 7),
    rows: rows && {
      indices: rows.indices,
      values: rows.values,
      ranked: rows.ranked,
      rivals: rows.rivals,
      top_utility: rows.top_utility,
      top_channel: rows.top_channel,
    },
  };
  return JSON.parse(JSON.stringify(outcome, exactly));
}

function outcomes(): unknown[] {
  return Array.from({ length: GOLDEN_CASES }, (_, index) => outcomeOf(index));
}

describe('plan golden results', () => {
  if (process.env.GOLDEN_UPDATE === '1') {
    it('writes the golden file (GOLDEN_UPDATE=1)', () => {
      // One case per line: a change shows as a readable diff.
      writeFileSync(FIXTURE, `[\n${outcomes().map((entry) => JSON.stringify(entry)).join(',\n')}\n]\n`);
      expect(existsSync(FIXTURE)).toBe(true);
    });
    return;
  }
  const golden = JSON.parse(readFileSync(FIXTURE, 'utf8')) as unknown[];

  it('has every case', () => {
    expect(golden).toHaveLength(GOLDEN_CASES);
  });

  it('gives exactly the golden attempts, summary, decision record and kept numbers', () => {
    drainWorkspacePool();
    for (let index = 0; index < GOLDEN_CASES; index++) expect(outcomeOf(index)).toEqual(golden[index]);
  });

  it('gives them again on reused workspaces, in reverse order', () => {
    for (let index = GOLDEN_CASES - 1; index >= 0; index--) expect(outcomeOf(index)).toEqual(golden[index]);
  });
});
