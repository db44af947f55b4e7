// A Prometheus histogram over fixed bucket bounds: counts per bucket kept apart, rendered
// cumulatively (`_bucket{le=…}` never decreases and ends with `le="+Inf"` equal to `_count`).
import type { ExpositionWriter, Labels } from './exposition';
import { formatValue } from './exposition';

/** Time to first token, seconds: from a cached prompt's first byte to a long reasoning pause. */
export const TTFT_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 30, 60] as const;
/** Whole attempt, seconds: short answers to long streamed generations. */
export const DURATION_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600] as const;

export class HistogramSeries {
  /** counts[i] for values ≤ bounds[i] (and above bounds[i-1]); the last slot is +Inf. */
  readonly #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.#counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let index = 0;
    while (index < this.bounds.length && value > this.bounds[index]!) index += 1;
    this.#counts[index]! += 1;
    this.#sum += value;
    this.#count += 1;
  }

  get count(): number {
    return this.#count;
  }

  /** `${name}_bucket`, `${name}_sum`, `${name}_count` for one label set. */
  write(writer: ExpositionWriter, name: string, labels: Labels): void {
    let cumulative = 0;
    for (let index = 0; index <= this.bounds.length; index++) {
      cumulative += this.#counts[index]!;
      const le = index < this.bounds.length ? formatValue(this.bounds[index]!) : '+Inf';
      writer.sample(`${name}_bucket`, { ...labels, le }, cumulative);
    }
    writer.sample(`${name}_sum`, labels, this.#sum);
    writer.sample(`${name}_count`, labels, this.#count);
  }
}
