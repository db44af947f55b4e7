import { describe, expect, it } from 'vitest';
import { formatExplanation, MAX_DEBUG_HEADER_BYTES } from './explain';
import { plan } from './plan';
import { seededRandom } from './random';
import { candidate, live, planInput, score } from './test-support';

const ids = (attempts: { channel_id: string }[]): string[] => attempts.map((attempt) => attempt.channel_id);

describe('plan: hard constraints', () => {
  const fleet = [
    candidate('a', { capabilities: ['tools'], context_length: 8_000 }),
    candidate('b', { price: { input_per_mtok: 2, output_per_mtok: 6 } }),
    candidate('c'),
  ];
  const cases: { name: string; options: Parameters<typeof planInput>[1]; rejected: Record<string, string> }[] = [
    { name: 'provider.only', options: { policy: { provider: { only: ['c'] } } }, rejected: { a: 'provider.only', b: 'provider.only' } },
    { name: 'provider.ignore', options: { policy: { provider: { ignore: ['a', 'b'] } } }, rejected: { a: 'provider.ignore', b: 'provider.ignore' } },
    {
      name: 'max_price caps what the caller pays',
      options: { policy: { provider: { max_price: { prompt: 1.5 } } } },
      rejected: { b: 'provider.max_price.prompt' },
    },
    {
      name: 'max_price completion',
      options: { policy: { provider: { max_price: { completion: 4 } } } },
      rejected: { b: 'provider.max_price.completion' },
    },
    {
      name: 'route.max_ttft_ms against the TTFT p95 when known',
      options: {
        policy: { max_ttft_ms: 500 },
        scores: [score('a', { ttft_p95_ms: 900 }), score('b', { ttft_p95_ms: null }), score('c', { ttft_p95_ms: 400 })],
      },
      rejected: { a: 'route.max_ttft_ms' },
    },
    { name: 'capabilities', options: { capabilities: ['vision'] }, rejected: { a: 'capability.vision' } },
    { name: 'context length vs input tokens', options: { input_tokens: 10_000 }, rejected: { a: 'context_length' } },
    { name: 'models not requested', options: { models: ['other'] }, rejected: { a: 'model', b: 'model', c: 'model' } },
  ];
  for (const { name, options, rejected } of cases) {
    it(name, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const result = plan(planInput(fleet, { ...options, seed }));
        for (const id of Object.keys(rejected)) expect(ids(result.attempts)).not.toContain(id);
        for (const entry of result.explanation) {
          expect(entry.rejected).toBe(rejected[entry.channel_id]);
          if (entry.rejected) expect(entry.probability).toBe(0);
        }
      }
    });
  }
});

describe('plan: ordering rules', () => {
  it('puts channels reported down or with an open breaker last, but still tries them', () => {
    const fleet = [candidate('a'), candidate('b'), candidate('c')];
    for (let seed = 1; seed <= 30; seed++) {
      const result = plan(
        planInput(fleet, {
          seed,
          scores: [score('a', { down: true, success_p: 0.2 }), score('b'), score('c')],
          live: live({ b: { breaker: 'open' } }),
        }),
      );
      expect(ids(result.attempts)).toEqual(['c', expect.any(String), expect.any(String)]);
      expect(new Set(ids(result.attempts))).toEqual(new Set(['a', 'b', 'c']));
    }
  });

  it('tries a channel whose every peer is open rather than failing', () => {
    const fleet = [candidate('a'), candidate('b')];
    const result = plan(planInput(fleet, { live: live({ a: { breaker: 'open' }, b: { breaker: 'open' } }) }));
    expect(result.attempts).toHaveLength(2);
    expect(result.explanation.reduce((sum, entry) => sum + entry.probability, 0)).toBeCloseTo(1, 6);
  });

  it('limits attempts to max_attempts and lists each channel once per model', () => {
    const fleet = ['a', 'b', 'c', 'd', 'e'].map((id) => candidate(id));
    const result = plan(planInput(fleet, { policy: { max_attempts: 3 } }));
    expect(result.attempts).toHaveLength(3);
    expect(new Set(ids(result.attempts)).size).toBe(3);
  });

  it('follows profile.models: every channel of the first model before the next model', () => {
    const fleet = [
      candidate('x', { model: 'fallback' }),
      candidate('a', { model: 'm' }),
      candidate('b', { model: 'm' }),
    ];
    for (let seed = 1; seed <= 20; seed++) {
      const result = plan(planInput(fleet, { seed, models: ['m', 'fallback'], policy: { max_attempts: 5 } }));
      expect(result.attempts.map((attempt) => attempt.model)).toEqual(['m', 'm', 'fallback']);
      expect(result.summary?.first_model).toBe('m');
    }
  });

  it('skips a model with no usable channel', () => {
    const fleet = [candidate('a', { model: 'm', capabilities: [] }), candidate('x', { model: 'fallback' })];
    const result = plan(planInput(fleet, { models: ['m', 'fallback'], capabilities: ['tools'] }));
    expect(ids(result.attempts)).toEqual(['x']);
  });

  it('provider.order goes first, in order, then the rest', () => {
    const fleet = ['a', 'b', 'c', 'd'].map((id) => candidate(id));
    const result = plan(planInput(fleet, { policy: { max_attempts: 4, provider: { order: ['c', 'a'] } } }));
    expect(ids(result.attempts).slice(0, 2)).toEqual(['c', 'a']);
    expect(result.summary?.rule).toBe('order');
  });

  it('allow_fallbacks: false with order uses only the listed channels', () => {
    const fleet = ['a', 'b', 'c'].map((id) => candidate(id));
    const result = plan(planInput(fleet, { policy: { provider: { order: ['b', 'c'], allow_fallbacks: false } } }));
    expect(ids(result.attempts)).toEqual(['b', 'c']);
  });

  it('allow_fallbacks: false without order pins the first choice', () => {
    const fleet = ['a', 'b', 'c'].map((id) => candidate(id));
    const result = plan(planInput(fleet, { policy: { provider: { allow_fallbacks: false } } }));
    expect(result.attempts).toHaveLength(1);
  });

  it.each([
    ['price', ['cheap', 'mid', 'dear']],
    ['latency', ['dear', 'mid', 'cheap']],
    ['throughput', ['mid', 'dear', 'cheap']],
  ] as const)('provider.sort = %s orders deterministically', (sort, expected) => {
    const fleet = [
      candidate('dear', { cost: { input_per_mtok: 0.9, output_per_mtok: 2.7 } }),
      candidate('cheap', { cost: { input_per_mtok: 0.2, output_per_mtok: 0.6 } }),
      candidate('mid', { cost: { input_per_mtok: 0.5, output_per_mtok: 1.5 } }),
    ];
    const scores = [
      score('dear', { ttft_p50_ms: 100, ttft_p95_ms: 150, tokens_per_s: 100 }),
      score('cheap', { ttft_p50_ms: 900, ttft_p95_ms: 1200, tokens_per_s: 30 }),
      score('mid', { ttft_p50_ms: 300, ttft_p95_ms: 400, tokens_per_s: 200 }),
    ];
    for (let seed = 1; seed <= 10; seed++) {
      const result = plan(planInput(fleet, { seed, scores, policy: { provider: { sort } } }));
      expect(ids(result.attempts)).toEqual(expected);
    }
  });

  it('does not mutate its inputs and is deterministic for a seed', () => {
    const fleet = ['a', 'b', 'c'].map((id) => Object.freeze(candidate(id)));
    const input = planInput(fleet as never, { seed: 7 });
    const frozen = Object.freeze({ ...input, candidates: Object.freeze([...input.candidates]) });
    const first = plan(frozen as never);
    const second = plan({ ...input, random: seededRandom(7) });
    expect(ids(first.attempts)).toEqual(ids(second.attempts));
  });
});

describe('plan: the objective', () => {
  const twoChannels = (margin: number) => [
    candidate('cheap', { cost: { input_per_mtok: 1 - margin, output_per_mtok: 3 * (1 - margin) } }),
    candidate('dear', { cost: { input_per_mtok: 1, output_per_mtok: 3 } }),
  ];

  it('samples: a utility advantage Δ at temperature T gets e^(Δ/T) times the share', () => {
    // Identical channels except cost: the margin component differs by 0.2, the utility by
    // 0.2 × margin weight. At T = 0.05 with margin weight 1, odds e^4 ≈ 54.6 → share 98.2%.
    const fleet = twoChannels(0.2);
    const draws = 20_000;
    let cheap = 0;
    const random = seededRandom(3);
    for (let draw = 0; draw < draws; draw++) {
      const input = planInput(fleet, { policy: { weights: { margin: 1, ttft: 0, throughput: 0, reliability: 0 }, temperature: 0.05 } });
      const result = plan({ ...input, random });
      if (result.attempts[0]!.channel_id === 'cheap') cheap++;
    }
    const expected = Math.exp(0.2 / 0.05) / (1 + Math.exp(0.2 / 0.05));
    expect(cheap / draws).toBeGreaterThan(expected - 0.01);
    expect(cheap / draws).toBeLessThan(expected + 0.01);
  });

  it('reports the probability it sampled from', () => {
    const fleet = twoChannels(0.05);
    const input = planInput(fleet, { policy: { weights: { margin: 1, ttft: 0, throughput: 0, reliability: 0 }, temperature: 0.05 } });
    const probability = plan(input).explanation.find((entry) => entry.channel_id === 'cheap')!.probability;
    const random = seededRandom(11);
    let cheap = 0;
    for (let draw = 0; draw < 20_000; draw++) if (plan({ ...input, random }).attempts[0]!.channel_id === 'cheap') cheap++;
    expect(probability).toBeCloseTo(Math.exp(1) / (1 + Math.exp(1)), 3);
    expect(Math.abs(cheap / 20_000 - probability)).toBeLessThan(0.01);
  });

  it.each([
    ['economy', 'cheap'],
    ['performance', 'fast'],
    ['stability', 'solid'],
  ] as const)('%s mode leans to the %s channel', (mode, favourite) => {
    const fleet = [
      candidate('cheap', { cost: { input_per_mtok: 0.3, output_per_mtok: 0.9 } }),
      candidate('fast', { cost: { input_per_mtok: 0.8, output_per_mtok: 2.4 } }),
      candidate('solid', { cost: { input_per_mtok: 0.7, output_per_mtok: 2.1 } }),
    ];
    const scores = [
      score('cheap', { success_p: 0.985, ttft_p50_ms: 700, ttft_p95_ms: 1000, tokens_per_s: 50 }),
      score('fast', { success_p: 0.97, ttft_p50_ms: 150, ttft_p95_ms: 200, tokens_per_s: 150 }),
      score('solid', { success_p: 0.9995, ttft_p50_ms: 500, ttft_p95_ms: 700, tokens_per_s: 70 }),
    ];
    const explanation = plan(planInput(fleet, { scores, policy: { mode } })).explanation;
    const best = explanation.reduce((top, entry) => (entry.probability > top.probability ? entry : top));
    expect(best.channel_id).toBe(favourite);
    expect(best.probability).toBeGreaterThan(0.6);
  });

  it('request weights override the mode preset', () => {
    const fleet = twoChannels(0.3);
    const scores = [score('cheap', { ttft_p50_ms: 2000, ttft_p95_ms: 3000 }), score('dear', { ttft_p50_ms: 100, ttft_p95_ms: 150 })];
    const economy = plan(planInput(fleet, { scores, policy: { mode: 'economy' } })).explanation;
    const overridden = plan(planInput(fleet, { scores, policy: { mode: 'economy', weights: { margin: 0, ttft: 1 } } })).explanation;
    expect(economy.find((entry) => entry.channel_id === 'cheap')!.probability).toBeGreaterThan(0.5);
    expect(overridden.find((entry) => entry.channel_id === 'dear')!.probability).toBeGreaterThan(0.9);
  });

  it('penalises in-flight load so a burst spreads out', () => {
    const fleet = [candidate('a', { max_concurrency: 100 }), candidate('b', { max_concurrency: 100 })];
    const idle = plan(planInput(fleet)).explanation[0]!.probability;
    const busy = plan(planInput(fleet, { live: live({ a: { in_flight: 80 } }) })).explanation[0]!.probability;
    expect(idle).toBeCloseTo(0.5, 2);
    expect(busy).toBeLessThan(0.1);
  });

  it('caps exploration of thin or stale channels', () => {
    const fleet = [candidate('known'), candidate('new')];
    const scores = [score('known')]; // 'new' has no score at all
    const result = plan(planInput(fleet, { scores, policy: { mode: 'balanced' } }));
    const fresh = result.explanation.find((entry) => entry.channel_id === 'new')!;
    expect(fresh.probability).toBeGreaterThan(0.01);
    expect(fresh.probability).toBeLessThan(0.25);
    expect(result.summary!.exploration).toBeLessThanOrEqual(0.05);
  });

  it('gives a half-open channel a probe share even when the push says down', () => {
    const fleet = [candidate('a'), candidate('b')];
    const result = plan(
      planInput(fleet, { scores: [score('a', { down: true, success_p: 0.1 }), score('b')], live: live({ a: { breaker: 'half_open' } }) }),
    );
    const probe = result.explanation.find((entry) => entry.channel_id === 'a')!;
    expect(probe.probability).toBeGreaterThanOrEqual(0.1);
    expect(probe.probability).toBeLessThan(0.2);
  });

  it('treats a channel stalled far past its TTFT as down', () => {
    const fleet = [candidate('a'), candidate('b')];
    const result = plan(planInput(fleet, { live: live({ a: { stalled_ms: 5_000 } }) }));
    expect(result.attempts[0]!.channel_id).toBe('b');
  });
});

describe('formatExplanation', () => {
  it('is compact ASCII under 4 KB even for a thousand candidates', () => {
    const fleet = Array.from({ length: 1000 }, (_, index) => candidate(`channel-${index}-é`));
    const header = formatExplanation(plan(planInput(fleet, { policy: { provider: { ignore: ['channel-3-é'] } } })));
    expect(header.length).toBeLessThanOrEqual(MAX_DEBUG_HEADER_BYTES);
    expect(/^[\x20-\x7e]*$/.test(header)).toBe(true);
    expect(header).toMatch(/^mode=balanced rule=sample /);
    expect(header).toMatch(/\+\d+ more$/);
  });

  it('names components, probabilities and rejections', () => {
    const fleet = [candidate('a'), candidate('b')];
    const header = formatExplanation(plan(planInput(fleet, { policy: { provider: { ignore: ['b'] } } })));
    expect(header).toContain('a@m p=1 ');
    expect(header).toContain('b@m x=provider.ignore');
  });
});

describe('plan is pure', () => {
  const fleet = [candidate('a'), candidate('b', { price: { input_per_mtok: 2, output_per_mtok: 6 } }), candidate('c', { model: 'n' })];
  const options = { models: ['m', 'n'], scores: [score('a'), score('b', { ttft_p50_ms: 900 }), score('c', { model: 'n', samples: 3 })] };

  it('an explanation read after later plans is the one read at once', () => {
    const early = plan(planInput(fleet, { ...options, seed: 3 }));
    // Other plans, of other sizes, in between.
    for (let round = 0; round < 5; round++) plan(planInput([...fleet, candidate(`x${round}`)], { seed: round }));
    const fresh = plan(planInput(fleet, { ...options, seed: 3 }));
    expect(early.explanation).toEqual(fresh.explanation);
    expect(early.attempts).toEqual(fresh.attempts);
  });

  it('does not change its input', () => {
    const input = planInput(fleet, options);
    const before = structuredClone({ candidates: input.candidates, scores: [...input.scores], policy: input.policy, profile: input.profile });
    void plan(input).explanation;
    expect({ candidates: input.candidates, scores: [...input.scores], policy: input.policy, profile: input.profile }).toEqual(before);
  });
});
