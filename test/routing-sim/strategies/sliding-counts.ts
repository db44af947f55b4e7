// Successes and failures per channel over a sliding window of one-second buckets: the
// "error ratio over the last N seconds" several baselines rest on.
export class SlidingCounts {
  readonly #buckets: number;
  readonly #series = new Map<string, { second: Int32Array; ok: Int32Array; failed: Int32Array }>();

  constructor(windowS: number) {
    this.#buckets = windowS;
  }

  add(channel_id: string, ok: boolean, now: number): void {
    const series = this.#get(channel_id);
    const second = Math.floor(now / 1000);
    const slot = second % this.#buckets;
    if (series.second[slot] !== second) {
      series.second[slot] = second;
      series.ok[slot] = 0;
      series.failed[slot] = 0;
    }
    if (ok) series.ok[slot]!++;
    else series.failed[slot]!++;
  }

  /** [successes, failures] within the window ending now. */
  totals(channel_id: string, now: number): [number, number] {
    const series = this.#series.get(channel_id);
    if (series === undefined) return [0, 0];
    const oldest = Math.floor(now / 1000) - this.#buckets + 1;
    let ok = 0;
    let failed = 0;
    for (let slot = 0; slot < this.#buckets; slot++) {
      if (series.second[slot]! < oldest) continue;
      ok += series.ok[slot]!;
      failed += series.failed[slot]!;
    }
    return [ok, failed];
  }

  #get(channel_id: string) {
    let series = this.#series.get(channel_id);
    if (series === undefined) {
      series = {
        second: new Int32Array(this.#buckets).fill(-1),
        ok: new Int32Array(this.#buckets),
        failed: new Int32Array(this.#buckets),
      };
      this.#series.set(channel_id, series);
    }
    return series;
  }
}
