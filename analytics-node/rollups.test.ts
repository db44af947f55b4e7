import { describe, expect, it } from 'vitest';
import { TTFT_HISTOGRAM, bucketOf, bucketValue, histogramQuantile } from './histogram';
import { WindowRollups } from './rollups';
import { makeRecord } from './test-support';

const NOW = 1_800_000_000_000;

describe('log histogram', () => {
  it('keeps every value within ±2% of its bucket value', () => {
    for (const value of [1, 3, 17.5, 200, 999, 12_345, 400_000]) {
      const estimate = bucketValue(bucketOf(value, TTFT_HISTOGRAM), TTFT_HISTOGRAM);
      expect(Math.abs(estimate - value) / value).toBeLessThan(0.021);
    }
  });

  it('puts values below the minimum in bucket 0 and clamps the top', () => {
    expect(bucketOf(0, TTFT_HISTOGRAM)).toBe(0);
    expect(bucketOf(1e12, TTFT_HISTOGRAM)).toBe(TTFT_HISTOGRAM.buckets - 1);
  });

  it('answers nearest-rank quantiles and null when empty', () => {
    const counts = new Float64Array(TTFT_HISTOGRAM.buckets);
    for (const value of [100, 200, 300, 400]) counts[bucketOf(value, TTFT_HISTOGRAM)]! += 1;
    expect(histogramQuantile(counts, 4, 0.5, TTFT_HISTOGRAM)).toBeCloseTo(200, -1);
    expect(histogramQuantile(counts, 4, 0.95, TTFT_HISTOGRAM)).toBeCloseTo(400, -1);
    expect(histogramQuantile(counts, 0, 0.5, TTFT_HISTOGRAM)).toBeNull();
  });
});

describe('WindowRollups', () => {
  it('counts requests, successes and each error class', () => {
    const rollups = new WindowRollups({ windowS: 60 });
    const classes = ['none', 'none', 'rate_limit', 'server', 'timeout', 'connection', 'client', 'mid_stream'] as const;
    classes.forEach((error_class, index) =>
      rollups.add(makeRecord({ ts_end: NOW - index * 1000, error_class }), NOW),
    );
    const [stats] = rollups.snapshot(NOW);
    expect(stats).toMatchObject({
      channel_id: 'acme-east',
      model: 'gpt-4o-mini',
      requests: 8,
      successes: 2,
      errors_rate_limit: 1,
      errors_server: 1,
      errors_timeout: 1,
      errors_connection: 1,
      errors_other: 2,
      last_ts: NOW,
    });
  });

  it('computes TTFT quantiles and generation speed from the samples', () => {
    const rollups = new WindowRollups({ windowS: 60 });
    // generation = duration - ttft = 1000 ms; 50, 100, 200 tokens → 50, 100, 200 tokens/s
    [100, 200, 300].forEach((ttft_ms, index) =>
      rollups.add(makeRecord({ ttft_ms, duration_ms: ttft_ms + 1000, output_tokens: 50 * 2 ** index }), NOW),
    );
    rollups.add(makeRecord({ stream: false, ttft_ms: 900, duration_ms: 901, output_tokens: 500 }), NOW);
    const [stats] = rollups.snapshot(NOW);
    expect(stats!.ttft_p50_ms! / 200).toBeCloseTo(1, 1);
    expect(stats!.ttft_p95_ms! / 900).toBeCloseTo(1, 1);
    expect(stats!.tokens_per_s! / 100).toBeCloseTo(1, 1); // the non-streamed answer is left out
  });

  it('forgets seconds that left the window and keeps the rest', () => {
    const rollups = new WindowRollups({ windowS: 10 });
    rollups.add(makeRecord({ ts_end: NOW - 9_000, error_class: 'server' }), NOW);
    rollups.add(makeRecord({ ts_end: NOW - 3_000 }), NOW);
    expect(rollups.snapshot(NOW)[0]).toMatchObject({ requests: 2, successes: 1 });
    expect(rollups.snapshot(NOW + 1_000)[0]).toMatchObject({ requests: 1, successes: 1, errors_server: 0 });
    expect(rollups.snapshot(NOW + 60_000)).toEqual([]);
  });

  it('ignores records older than the window and counts future ones as now', () => {
    const rollups = new WindowRollups({ windowS: 10 });
    rollups.add(makeRecord({ ts_end: NOW - 10_000 }), NOW);
    rollups.add(makeRecord({ ts_end: NOW + 5_000 }), NOW);
    expect(rollups.snapshot(NOW)[0]).toMatchObject({ requests: 1 });
    expect(rollups.snapshot(NOW + 9_000)[0]).toMatchObject({ requests: 1 });
    expect(rollups.snapshot(NOW + 10_000)).toEqual([]);
  });

  it('reuses a ring slot once its second expired', () => {
    const rollups = new WindowRollups({ windowS: 5 });
    rollups.add(makeRecord({ ts_end: NOW }), NOW);
    rollups.add(makeRecord({ ts_end: NOW + 5_000, error_class: 'timeout' }), NOW + 5_000);
    expect(rollups.snapshot(NOW + 5_000)[0]).toMatchObject({ requests: 1, errors_timeout: 1, successes: 0 });
  });

  it('tracks the newest attempts: failures by the channel, not cancellations or bad requests', () => {
    const rollups = new WindowRollups({ windowS: 300, recentSize: 4 });
    for (let index = 0; index < 6; index++) rollups.add(makeRecord({ ts_end: NOW - 60_000 + index }), NOW);
    rollups.add(makeRecord({ ts_end: NOW - 3, error_class: 'connection' }), NOW);
    rollups.add(makeRecord({ ts_end: NOW - 2, error_class: 'cancelled' }), NOW);
    rollups.add(makeRecord({ ts_end: NOW - 1, error_class: 'server' }), NOW);
    rollups.add(makeRecord({ ts_end: NOW, error_class: 'client' }), NOW);
    expect(rollups.snapshot(NOW)[0]).toMatchObject({ recent_attempts: 4, recent_failures: 2 });
    // an older record arriving late does not displace newer ones
    rollups.add(makeRecord({ ts_end: NOW - 100_000, error_class: 'server' }), NOW);
    expect(rollups.snapshot(NOW)[0]).toMatchObject({ recent_attempts: 4, recent_failures: 2 });
  });

  it('keeps pairs apart and sorts them', () => {
    const rollups = new WindowRollups({ windowS: 60 });
    rollups.add(makeRecord({ channel_id: 'b' }), NOW);
    rollups.add(makeRecord({ channel_id: 'a', model: 'm2' }), NOW);
    rollups.add(makeRecord({ channel_id: 'a', model: 'm1' }), NOW);
    expect(rollups.snapshot(NOW).map((stats) => `${stats.channel_id}/${stats.model}`)).toEqual([
      'a/m1',
      'a/m2',
      'b/gpt-4o-mini',
    ]);
  });
});
