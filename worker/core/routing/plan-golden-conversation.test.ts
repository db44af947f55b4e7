// The router's results for requests of a conversation (prompt-cache affinity, issue 14)
// pinned to the last bit, as plan-golden.test.ts pins the rest: its 300 seeded cases, each
// continuing a conversation (warm, cold, unknown turn, new), compared with
// plan-golden-conversation.json, written by the code before issue 11's third pass (remembered
// candidates, the fused listing: docs/perf-notes-router.md) — plan-golden.json predates the
// conversation terms, so without this file nothing pinned them. Each case is planned twice on
// the same score table (a cold, then a warm memory of its candidates).
// Regenerate (only for an intended change of results): GOLDEN_UPDATE=1 npx vitest run --project unit worker/core/routing/plan-golden-conversation.test.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisionRecordOf } from './decision';
import { plan } from './plan';
import { GOLDEN_CASES, goldenInput } from './plan-golden-cases';
import { seededRandom } from './random';
import type { PlanInput } from './types';

const FIXTURE = path.join(import.meta.dirname, 'plan-golden-conversation.json');

/** The golden case as a turn of a conversation; decided by the index alone. */
function conversationInput(index: number): PlanInput {
  const base = goldenInput(index);
  const channel = base.candidates.length === 0 ? null : base.candidates[(index * 7) % base.candidates.length]!.channel_id;
  const kind = index % 4; // 0: warm, 1: warm with no turn count, 2: cache expired, 3: a new conversation
  return {
    ...base,
    conversation: {
      key: `conversation-${index}`,
      last_channel_id: kind === 3 ? null : channel,
      last_served_at: kind === 3 ? null : base.now - (kind === 2 ? 400_000 : 20_000),
      prefix_tokens: 500 + index * 13,
      ...(kind === 1 ? {} : { turn: 1 + (index % 6) }),
    },
  };
}

/** JSON has no NaN, ±Infinity or −0: spell them as strings so that they compare exactly too. */
function exactly(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value);
}

function outcomeOf(input: PlanInput, index: number): unknown {
  const result = plan({ ...input, random: seededRandom(index + 1) });
  const rows = result.rows;
  return JSON.parse(
    JSON.stringify(
      {
        case: index,
        attempts: result.attempts.map((attempt) => `${attempt.channel_id}@${attempt.model}`),
        summary: result.summary,
        decision: decisionRecordOf(result, 7),
        rows: rows && { indices: rows.indices, values: rows.values, ranked: rows.ranked, rivals: rows.rivals, top_utility: rows.top_utility, top_channel: rows.top_channel },
      },
      exactly,
    ),
  );
}

describe('plan golden results, conversations', () => {
  if (process.env.GOLDEN_UPDATE === '1') {
    it('writes the golden file (GOLDEN_UPDATE=1)', () => {
      const lines = Array.from({ length: GOLDEN_CASES }, (_, index) => JSON.stringify(outcomeOf(conversationInput(index), index)));
      writeFileSync(FIXTURE, `[\n${lines.join(',\n')}\n]\n`);
      expect(existsSync(FIXTURE)).toBe(true);
    });
    return;
  }
  const golden = JSON.parse(readFileSync(FIXTURE, 'utf8')) as unknown[];

  it('gives exactly the golden results, on a cold and then a warm memory', () => {
    expect(golden).toHaveLength(GOLDEN_CASES);
    for (let index = 0; index < GOLDEN_CASES; index++) {
      const input = conversationInput(index);
      expect(outcomeOf(input, index)).toEqual(golden[index]);
      expect(outcomeOf(input, index)).toEqual(golden[index]);
    }
  });
});
