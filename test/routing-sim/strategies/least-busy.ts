// LiteLLM's least-busy routing: the deployment with the fewest requests in flight in this
// process (here: isolate), ties at random, with LiteLLM's cool-down.
import { LiteLlmCooldown } from './litellm-cooldown';
import type { Strategy } from './strategy';

export const leastBusy: Strategy = {
  name: 'least-busy',
  start: () => () => {
    const cooldown = new LiteLlmCooldown();
    const inFlight = new Map<string, number>();
    return {
      route({ candidates, now, random }) {
        return cooldown
          .available(candidates, now)
          .map((candidate) => ({ candidate, busy: inFlight.get(candidate.channel_id) ?? 0, tie: random() }))
          .sort((a, b) => a.busy - b.busy || a.tie - b.tie)
          .map((entry) => entry.candidate);
      },
      started(channel_id) {
        inFlight.set(channel_id, (inFlight.get(channel_id) ?? 0) + 1);
      },
      ended(channel_id, report, now) {
        inFlight.set(channel_id, Math.max(0, (inFlight.get(channel_id) ?? 0) - 1));
        cooldown.ended(channel_id, report, now);
      },
    };
  },
};
