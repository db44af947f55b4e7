// Ours: the real router (plan) over the pushed scores and the isolate's real LiveSignals.
import { plan } from '../../../worker/core/routing/plan';
import type { RoutingMode } from '../../../worker/core/routing/types';
import { LiveSignals } from '../../../worker/signals/live-signals';
import type { Strategy } from './strategy';

export function switchboard(mode: RoutingMode): Strategy {
  return {
    name: `switchboard:${mode}`,
    start: () => () => {
      const live = new LiveSignals();
      return {
        route({ candidates, scores, profile, now, random, max_attempts }) {
          return plan({
            candidates,
            scores,
            live: live.snapshot(now),
            policy: { mode, max_attempts },
            profile,
            now,
            random,
          }).attempts;
        },
        started(channel_id, now) {
          live.begin(channel_id, now);
        },
        firstByte(channel_id, now) {
          live.firstByte(channel_id, now);
        },
        ended(channel_id, report, now) {
          // As the worker does: firstByte() counted the answer; end() releases the attempt.
          live.end(
            channel_id,
            { ok: report.ok, error_class: report.error_class, after_first_byte: report.ttft_ms !== null },
            now,
          );
        },
      };
    },
  };
}
