// A seeded source of uniform numbers in [0, 1) (mulberry32): deterministic routing tests and
// the routing simulator. Production routing passes Math.random.
import type { RandomSource } from '../types';

export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
