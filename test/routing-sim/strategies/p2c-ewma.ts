// Helicone's gateway (Tower's balancer): power of two choices on peak-EWMA latency × (in
// flight + 1). The latency estimate jumps up to any slower response (peak) and decays toward
// faster ones with a 10 s time constant; it is measured to the response head (first byte
// for streams, the error for failures). A health monitor removes endpoints whose error
// ratio over 60 s exceeds 10% (after 20 requests); a 429 removes one until its retry-after.
import type { Candidate } from '../../../worker/core/types';
import { SlidingCounts } from './sliding-counts';
import type { Strategy } from './strategy';

const DECAY_MS = 10_000;
const DEFAULT_RTT_MS = 100;
const HEALTH_WINDOW_S = 60;
const HEALTH_RATIO = 0.1;
const HEALTH_MIN_REQUESTS = 20;

export const p2cEwma: Strategy = {
  name: 'p2c-ewma',
  start: () => () => {
    const estimate = new Map<string, { rtt: number; at: number }>();
    const pending = new Map<string, number>();
    const limitedUntil = new Map<string, number>();
    const health = new SlidingCounts(HEALTH_WINDOW_S);
    const load = (candidate: Candidate): number =>
      (estimate.get(candidate.channel_id)?.rtt ?? DEFAULT_RTT_MS) * ((pending.get(candidate.channel_id) ?? 0) + 1);
    return {
      route({ candidates, now, random, max_attempts }) {
        let pool = candidates.filter((candidate) => {
          if ((limitedUntil.get(candidate.channel_id) ?? 0) > now) return false;
          const [ok, failed] = health.totals(candidate.channel_id, now);
          return !(ok + failed >= HEALTH_MIN_REQUESTS && failed / (ok + failed) > HEALTH_RATIO);
        });
        if (pool.length === 0) pool = candidates.slice();
        const attempts: Candidate[] = [];
        while (pool.length > 0 && attempts.length < max_attempts) {
          let chosen = Math.floor(random() * pool.length);
          if (pool.length > 1) {
            let other = Math.floor(random() * (pool.length - 1));
            if (other >= chosen) other++;
            if (load(pool[other]!) < load(pool[chosen]!)) chosen = other;
          }
          attempts.push(pool[chosen]!);
          pool.splice(chosen, 1);
        }
        return attempts;
      },
      started(channel_id) {
        pending.set(channel_id, (pending.get(channel_id) ?? 0) + 1);
      },
      ended(channel_id, report, now) {
        pending.set(channel_id, Math.max(0, (pending.get(channel_id) ?? 0) - 1));
        if (report.error_class === 'client') return;
        health.add(channel_id, report.ok, now);
        if (report.error_class === 'rate_limit') {
          limitedUntil.set(channel_id, now + (report.retry_after_s ?? 1) * 1000);
        }
        const rtt = report.ttft_ms ?? report.duration_ms;
        const previous = estimate.get(channel_id);
        if (previous === undefined || rtt > previous.rtt) {
          estimate.set(channel_id, { rtt, at: now });
        } else {
          const weight = Math.exp(-(now - previous.at) / DECAY_MS);
          estimate.set(channel_id, { rtt: previous.rtt * weight + rtt * (1 - weight), at: now });
        }
      },
    };
  },
};
