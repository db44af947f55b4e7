// OpenRouter's published default: among providers with no significant outage in the last
// 30 seconds, pick by weight ∝ 1 / price²; the others are fallbacks, cheapest first.
// OpenRouter sees all traffic, so the outage memory is shared by every isolate. "Price" is
// what the provider charges, i.e. our channel cost.
import type { Candidate } from '../../../worker/core/types';
import { SlidingCounts } from './sliding-counts';
import { requestCost, weightedOrder, type Strategy } from './strategy';

const OUTAGE_WINDOW_S = 30;
const OUTAGE_MIN_FAILURES = 3;
const OUTAGE_SHARE = 0.2;

export const cheapest: Strategy = {
  name: 'cheapest',
  start() {
    const counts = new SlidingCounts(OUTAGE_WINDOW_S);
    return () => ({
      route({ candidates, profile, random, now }) {
        const stable: Candidate[] = [];
        const unstable: Candidate[] = [];
        for (const candidate of candidates) {
          const [ok, failed] = counts.totals(candidate.channel_id, now);
          const outage = failed >= OUTAGE_MIN_FAILURES && failed >= OUTAGE_SHARE * (ok + failed);
          (outage ? unstable : stable).push(candidate);
        }
        const ordered = weightedOrder(stable, (candidate) => 1 / Math.max(1e-12, requestCost(candidate, profile)) ** 2, random);
        unstable.sort((a, b) => requestCost(a, profile) - requestCost(b, profile));
        return ordered.concat(unstable);
      },
      started() {},
      ended(channel_id, report, now) {
        if (report.error_class === 'client') return;
        counts.add(channel_id, report.ok, now);
      },
    });
  },
};
