// plan() remembers, per score table, what it found for each candidate position (its score,
// and with a LiveSignalMap its live-signals object: candidate-scores.ts). Pure from the
// caller's view: whatever plans ran before over whatever tables, lists and live maps, and
// whatever was changed in place in between, a plan gives exactly what the same plan gives on
// a cold memory (a fresh ScoreIndex of the same entries).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candidate, ChannelScore } from '../types';
import { decisionRecordOf } from './decision';
import { LiveSignalMap } from './live-signal-map';
import { plan } from './plan';
import { seededRandom } from './random';
import { ScoreIndex } from './score-index';
import { candidate, score } from './test-support';
import type { LiveChannelSignals, PlanInput } from './types';

const CHANNELS = Array.from({ length: 12 }, (_, index) => `c${index}`);
const NOW = 1_000_000;

/** JSON has no NaN, ±Infinity or −0: spelled out so that they compare exactly too. */
function exactly(_key: string, value: unknown): unknown {
  if (typeof value !== 'number') return value;
  if (Object.is(value, -0)) return '-0';
  return Number.isFinite(value) ? value : String(value);
}

function outcomeOf(input: PlanInput): unknown {
  const result = plan(input);
  const rows = result.rows!;
  return JSON.parse(
    JSON.stringify(
      {
        attempts: result.attempts.map((entry) => `${entry.channel_id}@${entry.model}`),
        summary: result.summary,
        decision: decisionRecordOf(result, 1),
        rows: { indices: rows.indices, values: rows.values, ranked: rows.ranked, top_utility: rows.top_utility, top_channel: rows.top_channel },
      },
      exactly,
    ),
  );
}

/** A score table version: every channel of both models, numbers varied by `version`; some channels left out. */
function table(version: number): ScoreIndex {
  const entries: ChannelScore[] = [];
  for (const [position, channel] of CHANNELS.entries()) {
    if ((position + version) % 5 === 0) continue; // unscored
    for (const model of ['m', 'n']) {
      entries.push(
        score(channel, {
          model,
          success_p: 0.7 + ((position * 7 + version * 3) % 10) / 34,
          ttft_p50_ms: 100 + ((position * 13 + version * 29) % 17) * 40,
          ttft_p95_ms: (position + version) % 4 === 0 ? null : 900 + position * 10,
          tokens_per_s: 30 + ((position + version * 5) % 9) * 15,
          samples: (position + version) % 6 === 0 ? 5 : 500,
          down: (position * version) % 11 === 3,
          last_ts: (position + version) % 7 === 0 ? NOW - 120_000 : NOW - 1_000,
          in_flight: position % 3 === 0 ? 150 : null,
        }),
      );
    }
  }
  return new ScoreIndex(entries);
}

function signals(seed: number): LiveChannelSignals {
  return {
    in_flight: seed % 7,
    breaker: seed % 13 === 0 ? 'open' : seed % 17 === 0 ? 'half_open' : 'closed',
    recent_failures: (seed % 5) / 3,
    recent_successes: seed % 9,
    success_streak: seed % 4,
    stalled_ms: seed % 19 === 0 ? 20_000 : 0,
  };
}

interface World {
  lists: Candidate[][];
  tables: ScoreIndex[];
  lives: Map<string, LiveChannelSignals>[];
}

function world(): World {
  const catalogM = CHANNELS.map((channel, position) =>
    candidate(channel, { max_concurrency: position % 2 === 0 ? 200 : null, cost: { input_per_mtok: 0.2 + position / 20, output_per_mtok: 1 }, cache_ttl_s: 300 }),
  );
  const catalogN = CHANNELS.slice(0, 6).map((channel) => candidate(channel, { model: 'n', upstream_model: 'n' }));
  // A group multiplier ≠ 1: the worker makes new candidate objects per request.
  const scaled = catalogM.map((entry) => ({ ...entry, price: { input_per_mtok: 2, output_per_mtok: 6 } }));
  const stable = new LiveSignalMap();
  const other = new LiveSignalMap(); // another isolate's, say: what one remembered is not the other's
  const plain = new Map<string, LiveChannelSignals>();
  for (const [position, channel] of CHANNELS.entries()) {
    if (position % 3 !== 2) stable.set(channel, signals(position + 1));
    if (position % 4 !== 1) other.set(channel, signals(position + 3));
    if (position % 2 === 0) plain.set(channel, signals(position + 5));
  }
  return { lists: [catalogM, [...catalogM, ...catalogN], scaled], tables: [table(1), table(2)], lives: [stable, other, plain] };
}

const planStep = fc.record({
  kind: fc.constant('plan' as const),
  list: fc.nat(2),
  table: fc.nat(1),
  live: fc.nat(2),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  copy: fc.boolean(), // a new array of the same objects, as prepare.ts's flatMap makes
  conversation: fc.boolean(),
  mode: fc.constantFrom('economy' as const, 'balanced' as const, 'performance' as const),
});
const step = fc.oneof(
  planStep,
  planStep,
  fc.record({ kind: fc.constant('swap' as const), list: fc.nat(2), a: fc.nat(30), b: fc.nat(30) }),
  fc.record({ kind: fc.constant('replace' as const), list: fc.nat(2), at: fc.nat(30), channel: fc.nat(11) }),
  fc.record({ kind: fc.constant('rename' as const), list: fc.nat(2), at: fc.nat(30), channel: fc.nat(11) }),
  fc.record({ kind: fc.constant('grow' as const), list: fc.nat(2), channel: fc.nat(11), shrink: fc.boolean() }),
  fc.record({
    kind: fc.constant('signals' as const),
    live: fc.nat(2),
    channel: fc.nat(11),
    seed: fc.nat(1_000),
    how: fc.constantFrom('in place' as const, 'replace' as const, 'delete' as const),
  }),
  fc.record({ kind: fc.constant('version' as const), table: fc.nat(1), version: fc.integer({ min: 3, max: 50 }) }),
);

type Action = Record<string, unknown> & { kind: string };

/** Applies one step; a plan step hands `compare` its input, made with the random source given. */
function apply(state: World, action: Action, compare: (input: (random: () => number) => PlanInput, seed: number) => void): void {
  const list = state.lists[(action.list as number) ?? 0]!;
  const at = (value: unknown) => (list.length === 0 ? -1 : (value as number) % list.length);
  switch (action.kind) {
    case 'plan': {
      const candidates = action.copy ? [...list] : list;
      const scores = state.tables[action.table as number]!;
      const live = state.lives[action.live as number]!;
      compare((random) => ({
        candidates,
        scores,
        live,
        policy: { mode: action.mode as 'balanced', max_attempts: 3 },
        profile: { models: ['m', 'n'], input_tokens: 3_000, output_tokens: 400, capabilities: ['tools'] },
        now: NOW,
        random,
        explain: true,
        ...(action.conversation
          ? { conversation: { key: 'k', last_channel_id: 'c1', last_served_at: NOW - 20_000, prefix_tokens: 2_000, turn: 2 } }
          : {}),
      }), action.seed as number);
      return;
    }
    case 'swap': {
      const a = at(action.a);
      const b = at(action.b);
      if (a < 0) return;
      [list[a], list[b]] = [list[b]!, list[a]!];
      return;
    }
    case 'replace': {
      const position = at(action.at);
      if (position >= 0) list[position] = { ...list[position]!, channel_id: CHANNELS[action.channel as number]! };
      return;
    }
    case 'rename': {
      // The candidate object itself edited in place (the list and every other list holding it see it).
      const position = at(action.at);
      if (position >= 0) list[position]!.channel_id = CHANNELS[action.channel as number]!;
      return;
    }
    case 'grow':
      if (action.shrink) list.pop();
      else list.push(candidate(CHANNELS[action.channel as number]!));
      return;
    case 'signals': {
      const live = state.lives[action.live as number]!;
      const channel = CHANNELS[action.channel as number]!;
      const existing = live.get(channel);
      const fresh = signals(action.seed as number);
      if (live instanceof LiveSignalMap || action.how === 'in place') {
        // In place, as the worker's LiveSignals refreshes its views; a new entry where there was none.
        if (existing !== undefined) Object.assign(existing, fresh);
        else live.set(channel, fresh);
      } else if (action.how === 'replace') {
        live.set(channel, fresh); // a plain Map may have an entry replaced between plans…
      } else {
        live.delete(channel); // …or removed
      }
      return;
    }
    case 'version':
      state.tables[action.table as number] = table(action.version as number);
      return;
  }
}

describe('remembered candidate scores and signals', () => {
  it('every plan equals the same plan on a cold memory, whatever ran and changed before it', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (actions) => {
        const state = world();
        for (const action of actions) {
          apply(state, action as Action, (input, seed) => {
            const warm = outcomeOf(input(seededRandom(seed)));
            const given = input(seededRandom(seed));
            // Cold: the same entries in a fresh ScoreIndex, which remembers nothing.
            const cold = outcomeOf({ ...given, scores: new ScoreIndex(given.scores.values()) });
            expect(warm).toEqual(cold);
          });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a plain live Map may have entries replaced or removed between plans: nothing of it is remembered', () => {
    const state = world();
    const live = state.lives[2]!;
    const check = (how: 'replace' | 'delete') => {
      for (const channel of CHANNELS) {
        const run = (seed: number) => {
          const input: PlanInput = {
            candidates: state.lists[0]!,
            scores: state.tables[0]!,
            live,
            policy: { mode: 'balanced', max_attempts: 3 },
            profile: { models: ['m'], input_tokens: 3_000, output_tokens: 400, capabilities: [] },
            now: NOW,
            random: seededRandom(seed),
            explain: true,
          };
          expect(outcomeOf(input)).toEqual(outcomeOf({ ...input, random: seededRandom(seed), scores: new ScoreIndex(state.tables[0]!.values()) }));
        };
        run(1);
        if (how === 'replace') live.set(channel, { ...signals(13), in_flight: 150 });
        else live.delete(channel);
        run(2);
      }
    };
    check('replace');
    check('delete');
  });

  it('a LiveSignalMap refuses to replace or delete an entry (a plan may have remembered it)', () => {
    const map = new LiveSignalMap([['a', signals(1)]]);
    const entry = map.get('a')!;
    expect(() => map.set('a', signals(2))).toThrow();
    expect(map.set('a', entry).get('a')).toBe(entry);
    expect(() => map.delete('a')).toThrow();
    expect(() => map.clear()).toThrow();
    map.set('b', signals(3));
    expect(map.size).toBe(2);
  });
});
