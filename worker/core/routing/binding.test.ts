// The reasoning-state binding: a history carrying one dialect's opaque state stays on that
// dialect's channels when any usable one exists, and routes freely when none does.
import { describe, expect, it } from 'vitest';
import type { Protocol } from '../types';
import { formatExplanation } from './explain';
import { plan } from './plan';
import { candidate, planInput } from './test-support';

const fleet = [
  candidate('oa', { dialect: 'openai' }),
  candidate('an-1', { dialect: 'anthropic' }),
  candidate('an-2', { dialect: 'anthropic', capabilities: [] }),
  candidate('gm', { dialect: 'gemini' }),
  candidate('an-other', { dialect: 'anthropic', model: 'other' }),
];

interface Case {
  name: string;
  bound: Protocol | null | undefined;
  options?: Parameters<typeof planInput>[1];
  /** Channels that may appear in the attempts; every other one of model m is rejected. */
  eligible: string[];
  /** The rejection reason of each rejected channel (model m only). */
  rejected: Record<string, string>;
  binding: { dialect: Protocol; applied: boolean } | undefined;
  line?: string;
}

const cases: Case[] = [
  { name: 'no binding: every channel of the model is eligible', bound: undefined, eligible: ['oa', 'an-1', 'an-2', 'gm'], rejected: {}, binding: undefined },
  { name: 'null binding is no binding', bound: null, eligible: ['oa', 'an-1', 'an-2', 'gm'], rejected: {}, binding: undefined },
  {
    name: 'bound to anthropic: only anthropic channels',
    bound: 'anthropic',
    eligible: ['an-1', 'an-2'],
    rejected: { oa: 'bound_dialect', gm: 'bound_dialect' },
    binding: { dialect: 'anthropic', applied: true },
    line: 'bound to anthropic (reasoning state in history)',
  },
  {
    name: 'another constraint shows its own reason first',
    bound: 'anthropic',
    options: { capabilities: ['tools'], policy: { provider: { ignore: ['gm'] } } },
    eligible: ['an-1'],
    rejected: { oa: 'bound_dialect', gm: 'provider.ignore', 'an-2': 'capability.tools' },
    binding: { dialect: 'anthropic', applied: true },
  },
  {
    name: 'bound to a dialect with no channel: nothing filtered',
    bound: 'openai-responses',
    eligible: ['oa', 'an-1', 'an-2', 'gm'],
    rejected: {},
    binding: { dialect: 'openai-responses', applied: false },
    line: 'bound to openai-responses (reasoning state in history) not applied',
  },
  {
    name: 'every channel of the dialect excluded by another constraint: the others still serve',
    bound: 'anthropic',
    options: { policy: { provider: { ignore: ['an-1', 'an-2'] } } },
    eligible: ['oa', 'gm'],
    rejected: { 'an-1': 'provider.ignore', 'an-2': 'provider.ignore' },
    binding: { dialect: 'anthropic', applied: false },
  },
  {
    name: 'a channel of the dialect for a model not requested does not count',
    bound: 'anthropic',
    options: { policy: { provider: { only: ['oa', 'an-other'] } } },
    eligible: ['oa'],
    rejected: { 'an-1': 'provider.only', 'an-2': 'provider.only', gm: 'provider.only' },
    binding: { dialect: 'anthropic', applied: false },
  },
];

describe('plan: bound to the dialect of the reasoning state in history', () => {
  for (const entry of cases) {
    it(entry.name, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const input = planInput(fleet, { ...entry.options, bound_dialect: entry.bound, seed, policy: { max_attempts: 5, ...entry.options?.policy } });
        const before = structuredClone(input.profile);
        const result = plan(input);
        expect(input.profile).toEqual(before);
        expect(new Set(result.attempts.map((attempt) => attempt.channel_id))).toEqual(new Set(entry.eligible));
        for (const explanation of result.explanation) {
          if (explanation.model !== 'm') continue;
          expect(explanation.rejected, explanation.channel_id).toBe(entry.rejected[explanation.channel_id]);
        }
        expect(result.summary?.binding).toEqual(entry.binding);
        const header = formatExplanation(result);
        if (entry.line) expect(header).toContain(entry.line);
        if (!entry.binding) expect(header).not.toContain('bound to');
      }
    });
  }

  it('falls back models too: a bound dialect serving only the fallback model keeps the request there', () => {
    const result = plan(planInput(fleet, { models: ['m', 'other'], bound_dialect: 'anthropic', policy: { provider: { ignore: ['an-1', 'an-2'] }, max_attempts: 5 } }));
    expect(result.attempts.map((attempt) => attempt.channel_id)).toEqual(['an-other']);
    expect(result.summary?.binding).toEqual({ dialect: 'anthropic', applied: true });
  });
});
