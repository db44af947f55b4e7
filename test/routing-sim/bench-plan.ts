// Decision time of plan() per request with 10, 100 and 1,000 candidates, alone, with the
// decision record the worker logs for every request (decisionRecordOf), and for a request
// continuing a conversation whose prompt cache is warm on one channel (issue 14's affinity
// terms). Blocks of plans are timed in turn, one of each kind, and the best block of each
// is kept: on a shared machine the best block is the one least disturbed by other processes.
// Run: npx tsx test/routing-sim/bench-plan.ts
import { decisionRecordOf } from '../../worker/core/routing/decision';
import { plan } from '../../worker/core/routing/plan';
import type { PlanInput } from '../../worker/core/routing/types';
import { benchInput } from './bench-plan-input';

const BLOCKS = 10;

function planOnly(input: PlanInput): number {
  return plan(input).attempts.length;
}

function planAndRecord(input: PlanInput): number {
  return decisionRecordOf(plan(input), 1).candidates.length;
}

/** Microseconds per call in the best of BLOCKS blocks. */
function best(run: (input: PlanInput) => number, input: PlanInput, iterations: number, blocks: number[]): void {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let index = 0; index < iterations; index++) sink += run(input);
  const elapsed = Number(process.hrtime.bigint() - start) / 1000;
  if (sink === 0) throw new Error('no attempts');
  blocks.push(elapsed / iterations);
}

const rows: {
  candidates: number;
  microseconds_per_plan: number;
  plans_per_second: number;
  with_decision_record: number;
  with_conversation: number;
}[] = [];
for (const count of [10, 100, 1000]) {
  const base = benchInput(count);
  const conversation: PlanInput = {
    ...base,
    conversation: { key: 'k', last_channel_id: 'channel-0', last_served_at: base.now - 30_000, prefix_tokens: 4_000, turn: 3 },
  };
  const iterations = Math.max(500, Math.round(200_000 / count));
  for (let index = 0; index < iterations; index++) planAndRecord(base); // warm up
  const alone: number[] = [];
  const recorded: number[] = [];
  const continued: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    best(planOnly, base, iterations, alone);
    best(planAndRecord, base, iterations, recorded);
    best(planOnly, conversation, iterations, continued);
  }
  const perPlan = Math.min(...alone);
  rows.push({
    candidates: count,
    microseconds_per_plan: Math.round(perPlan * 100) / 100,
    plans_per_second: Math.round(1e6 / perPlan),
    with_decision_record: Math.round(Math.min(...recorded) * 100) / 100,
    with_conversation: Math.round(Math.min(...continued) * 100) / 100,
  });
}
console.table(rows);
