// Per-token rates recovered from logged money: cost_usd (what a channel charged) or
// price_usd (what the caller paid) against the attempt's tokens. The log keeps amounts, not
// rates, so the rates are a least-squares fit: amount ≈ input × a + cached × c + output × b.
import type { TokenPrice } from '../../../worker/core/types';

export interface MoneySample {
  /** Input tokens not read from a cache. */
  uncached_input: number;
  cached_input: number;
  output: number;
  amount_usd: number;
}

/** Null when no sample carries money (e.g. a channel that only failed in the window). */
export function fitTokenRates(samples: readonly MoneySample[]): TokenPrice | null {
  const paid = samples.filter((sample) => sample.amount_usd > 0 && sample.uncached_input + sample.cached_input + sample.output > 0);
  if (paid.length === 0) return null;
  // Rates per million tokens, so the normal equations stay well scaled.
  const plain = paid.filter((sample) => sample.cached_input === 0);
  const base = fitInputOutput(plain.length > 0 ? plain : paid.map((sample) => ({ ...sample, uncached_input: sample.uncached_input + sample.cached_input, cached_input: 0 })));
  const rates: TokenPrice = { input_per_mtok: round(base.input), output_per_mtok: round(base.output) };
  const cached = paid.filter((sample) => sample.cached_input > 0);
  if (cached.length > 0 && plain.length > 0) {
    let residual = 0;
    let tokens = 0;
    for (const sample of cached) {
      residual += sample.amount_usd * 1e6 - sample.uncached_input * base.input - sample.output * base.output;
      tokens += sample.cached_input;
    }
    rates.cached_input_per_mtok = round(Math.min(base.input, Math.max(0, residual / tokens)));
  }
  return rates;
}

function fitInputOutput(samples: readonly MoneySample[]): { input: number; output: number } {
  let xx = 0;
  let yy = 0;
  let xy = 0;
  let xa = 0;
  let ya = 0;
  let amount = 0;
  let tokens = 0;
  for (const sample of samples) {
    const x = sample.uncached_input;
    const y = sample.output;
    const a = sample.amount_usd * 1e6;
    xx += x * x;
    yy += y * y;
    xy += x * y;
    xa += x * a;
    ya += y * a;
    amount += a;
    tokens += x + y;
  }
  const determinant = xx * yy - xy * xy;
  // Collinear tokens (every request with the same input:output ratio) cannot separate the two
  // rates: one blended rate for both keeps each request's cost right.
  if (determinant > 1e-9 * xx * yy) {
    const input = (xa * yy - ya * xy) / determinant;
    const output = (ya * xx - xa * xy) / determinant;
    if (input >= 0 && output >= 0) return { input, output };
  }
  const blended = tokens === 0 ? 0 : amount / tokens;
  return { input: blended, output: blended };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
