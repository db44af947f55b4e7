import { describe, expect, it } from 'vitest';
import { policyLayerSchema, resolvePolicy } from './policy';

describe('resolvePolicy', () => {
  it('defaults to balanced with three attempts', () => {
    expect(resolvePolicy({})).toEqual({ ok: true, value: { policy: { mode: 'balanced', max_attempts: 3 }, models: [] } });
  });

  it('merges config → group → key → request, weights key by key', () => {
    const result = resolvePolicy({
      config: { mode: 'economy', max_attempts: 4, temperature: 0.1, weights: { margin: 1, ttft: 1 } },
      group: { mode: 'stability', weights: { ttft: 2 } },
      key: { max_ttft_ms: 2000, weights: { reliability: 3 } },
      request: { model: 'x', route: { mode: 'performance', weights: { margin: 0 }, max_ttft_ms: 900 } },
    });
    expect(result).toEqual({
      ok: true,
      value: {
        policy: {
          mode: 'performance',
          max_attempts: 4,
          temperature: 0.1,
          max_ttft_ms: 900,
          weights: { margin: 0, ttft: 2, reliability: 3 },
        },
        models: [],
      },
    });
  });

  it('reads models and provider from the body and passes unknown provider fields', () => {
    const result = resolvePolicy({
      request: {
        model: 'a',
        messages: [],
        models: ['b', 'c'],
        provider: { order: ['x'], allow_fallbacks: false, sort: 'price', max_price: { prompt: 1, completion: 2 }, quantizations: ['fp8'] },
      },
    });
    expect(result.ok && result.value.models).toEqual(['b', 'c']);
    expect(result.ok && result.value.policy.provider).toEqual({
      order: ['x'],
      allow_fallbacks: false,
      sort: 'price',
      max_price: { prompt: 1, completion: 2 },
    });
  });

  it.each([
    [{ models: 'gpt' }, 'models'],
    [{ models: Array.from({ length: 11 }, () => 'm') }, 'models'],
    [{ models: ['a', 3] }, 'models[1]'],
    [{ provider: { sort: 'cheapest' } }, 'provider.sort'],
    [{ provider: { order: 'a' } }, 'provider.order'],
    [{ provider: { only: [1] } }, 'provider.only[0]'],
    [{ provider: { allow_fallbacks: 'no' } }, 'provider.allow_fallbacks'],
    [{ provider: { max_price: { prompt: -1 } } }, 'provider.max_price.prompt'],
    [{ route: { mode: 'fastest' } }, 'route.mode'],
    [{ route: { weights: { margin: -1 } } }, 'route.weights.margin'],
    [{ route: { weights: { cheapness: 1 } } }, 'route.weights.cheapness'],
    [{ route: { temperature: 1 } }, 'route.temperature'],
    [{ route: { max_ttft_ms: 0 } }, 'route.max_ttft_ms'],
  ])('rejects %j naming %s', (body, param) => {
    const result = resolvePolicy({ request: body });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.param).toBe(param);
      expect(result.error.message).toContain(param);
    }
  });

  it('exports the operator layer schema for the config loader', () => {
    expect(policyLayerSchema.safeParse({ mode: 'economy', max_attempts: 2 }).success).toBe(true);
    expect(policyLayerSchema.safeParse({ mode: 'economy', extra: 1 }).success).toBe(false);
  });
});
