// Ours: the real router (plan) over the pushed scores and the isolate's real LiveSignals,
// with the conversation the worker's memory knows (affinity) and, where the policy hedges
// (performance mode unless `hedge: false`), the real hedge delay and an isolate-local budget.
import { HedgeBudget, hedgeDelayMs, hedgeEnabled } from '../../../worker/core/routing/hedge';
import { plan } from '../../../worker/core/routing/plan';
import { scoreOf } from '../../../worker/core/routing/score-index';
import type { RoutingMode, RoutingPolicy } from '../../../worker/core/routing/types';
import { LiveSignals } from '../../../worker/signals/live-signals';
import type { Strategy } from './strategy';

export function switchboard(mode: RoutingMode, options: { hedge?: boolean; suffix?: string } = {}): Strategy {
  return {
    name: `switchboard:${mode}${options.suffix ?? ''}`,
    start: (context) => () => {
      const live = new LiveSignals();
      let last = 0; // the latest `now` seen, when the simulator gives no clock
      const clock = context.clock ?? (() => last);
      const base: Omit<RoutingPolicy, 'max_attempts'> = options.hedge === undefined ? { mode } : { mode, hedge: options.hedge };
      const hedging = hedgeEnabled({ ...base, max_attempts: 1 });
      return {
        route({ candidates, scores, profile, now, random, max_attempts, conversation }) {
          last = now;
          return plan({
            candidates,
            scores,
            live: live.snapshot(now),
            policy: { ...base, max_attempts },
            profile,
            now,
            random,
            ...(conversation !== undefined ? { conversation } : {}),
          }).attempts;
        },
        started(channel_id, now) {
          last = now;
          live.begin(channel_id, now);
        },
        firstByte(channel_id, now) {
          live.firstByte(channel_id, now);
        },
        ended(channel_id, report, now) {
          last = now;
          // As the worker does: firstByte() counted the answer; end() releases the attempt.
          live.end(
            channel_id,
            { ok: report.ok, error_class: report.error_class, after_first_byte: report.ttft_ms !== null },
            now,
          );
        },
        ...(hedging
          ? {
              hedge: {
                delayMs: (first, scores) => hedgeDelayMs(scoreOf(scores, first.channel_id, first.model), { ...base, max_attempts: 2 }),
                budget: new HedgeBudget(clock),
              },
            }
          : {}),
      };
    },
  };
}
