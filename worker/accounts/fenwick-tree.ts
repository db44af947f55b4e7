// A Fenwick (binary indexed) tree over non-negative integers: point update, prefix sum and
// "first index whose prefix sum reaches a target", each O(log n). The rate window uses it to
// answer "when will enough tokens have left the window" without walking the window.
export class FenwickTree {
  readonly size: number;
  readonly #tree: Float64Array;

  /** A tree over `values[0 .. size)` (missing values are 0), built in O(size). */
  constructor(size: number, values: ArrayLike<number> = []) {
    this.size = size;
    this.#tree = new Float64Array(size + 1);
    for (let index = 0; index < Math.min(size, values.length); index++) this.#tree[index + 1] = values[index]!;
    for (let node = 1; node <= size; node++) {
      const parent = node + (node & -node);
      if (parent <= size) this.#tree[parent]! += this.#tree[node]!;
    }
  }

  add(index: number, delta: number): void {
    for (let node = index + 1; node <= this.size; node += node & -node) this.#tree[node]! += delta;
  }

  /** Sum of values[0 .. index]; 0 for index < 0. */
  prefix(index: number): number {
    let sum = 0;
    for (let node = Math.min(index, this.size - 1) + 1; node > 0; node -= node & -node) sum += this.#tree[node]!;
    return sum;
  }

  /** The smallest index whose prefix sum is ≥ target, or `size` when none is. */
  lowerBound(target: number): number {
    if (target <= 0) return 0;
    let position = 0;
    let remaining = target;
    for (let step = highestPowerOfTwo(this.size); step > 0; step >>= 1) {
      const next = position + step;
      if (next <= this.size && this.#tree[next]! < remaining) {
        position = next;
        remaining -= this.#tree[next]!;
      }
    }
    return position;
  }
}

function highestPowerOfTwo(n: number): number {
  let power = 1;
  while (power * 2 <= n) power *= 2;
  return n === 0 ? 0 : power;
}
