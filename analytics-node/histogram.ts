// Log-bucketed histograms: constant relative error, fixed size, mergeable by addition.
// The same bucket function is rendered as SQL so that DuckDB can pre-aggregate on start-up.

export interface HistogramSpec {
  /** Values below `min` share bucket 0. */
  min: number;
  /** Each bucket is `ratio` times wider than the previous one. */
  ratio: number;
  /** Values past the last bucket are counted in it. */
  buckets: number;
}

/** Time to first token, 1 ms .. ~10 min, ±2 %. */
export const TTFT_HISTOGRAM: HistogramSpec = { min: 1, ratio: 1.04, buckets: 340 };
/** Generation speed, 0.1 .. ~100k tokens/s, ±2 %. */
export const TOKENS_PER_S_HISTOGRAM: HistogramSpec = { min: 0.1, ratio: 1.04, buckets: 355 };

export function bucketOf(value: number, spec: HistogramSpec): number {
  if (!(value >= spec.min)) return 0;
  const index = 1 + Math.floor(Math.log(value / spec.min) / Math.log(spec.ratio));
  return Math.min(spec.buckets - 1, index);
}

/** The same function as `bucketOf`, as a DuckDB expression over `column` (a trusted identifier). */
export function bucketSql(column: string, spec: HistogramSpec): string {
  return (
    `CASE WHEN ${column} IS NULL OR ${column} < ${spec.min} THEN 0 ` +
    `ELSE least(${spec.buckets - 1}, 1 + floor(ln(${column} / ${spec.min}) / ln(${spec.ratio})))::INTEGER END`
  );
}

/** The value a bucket stands for: its geometric midpoint (bucket 0: half of `min`). */
export function bucketValue(bucket: number, spec: HistogramSpec): number {
  if (bucket <= 0) return spec.min / 2;
  return spec.min * Math.pow(spec.ratio, bucket - 1) * Math.sqrt(spec.ratio);
}

/** The q-quantile (nearest rank) of a dense histogram; null when it is empty. */
export function histogramQuantile(
  counts: ArrayLike<number>,
  total: number,
  q: number,
  spec: HistogramSpec,
): number | null {
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    seen += counts[bucket] ?? 0;
    if (seen >= rank) return bucketValue(bucket, spec);
  }
  return bucketValue(counts.length - 1, spec);
}
