// OpenRouter's sticky variant of its default (cheapest.ts): a conversation stays on the
// provider that served its latest turn for a few minutes, so that its prompt cache is read,
// unless that provider is failing; otherwise, and for a new conversation, the default's
// 1 / price² draw among providers with no recent outage. Like the default, the outage memory
// and the conversation memory are OpenRouter's own, shared by all of its servers.
import type { Candidate } from '../../../worker/core/types';
import { SlidingCounts } from './sliding-counts';
import { requestCost, weightedOrder, type Strategy } from './strategy';

const OUTAGE_WINDOW_S = 30;
const OUTAGE_MIN_FAILURES = 3;
const OUTAGE_SHARE = 0.2;
/** How long a conversation stays on its provider after its latest turn ("a few minutes"). */
export const STICKY_MS = 5 * 60_000;

export const openrouterSticky: Strategy = {
  name: 'openrouter-sticky',
  start() {
    const counts = new SlidingCounts(OUTAGE_WINDOW_S);
    return () => ({
      route({ candidates, profile, random, now, conversation }) {
        const stable: Candidate[] = [];
        const unstable: Candidate[] = [];
        for (const candidate of candidates) {
          const [ok, failed] = counts.totals(candidate.channel_id, now);
          const outage = failed >= OUTAGE_MIN_FAILURES && failed >= OUTAGE_SHARE * (ok + failed);
          (outage ? unstable : stable).push(candidate);
        }
        const ordered = weightedOrder(stable, (candidate) => 1 / Math.max(1e-12, requestCost(candidate, profile)) ** 2, random);
        unstable.sort((a, b) => requestCost(a, profile) - requestCost(b, profile));
        const sticky = conversation?.last_channel_id;
        const servedAt = conversation?.last_served_at ?? null;
        if (sticky !== undefined && sticky !== null && servedAt !== null && now - servedAt < STICKY_MS) {
          const index = ordered.findIndex((candidate) => candidate.channel_id === sticky);
          // Only a stable provider keeps the conversation: one in outage is left like any other.
          if (index > 0) ordered.unshift(...ordered.splice(index, 1));
        }
        return ordered.concat(unstable);
      },
      started() {},
      ended(channel_id, report, now) {
        if (report.error_class === 'client' || report.error_class === 'cancelled') return;
        counts.add(channel_id, report.ok, now);
      },
    });
  },
};
