// New API / One API: the highest priority tier, weighted random inside it; attempt n draws
// from the n-th tier (the lowest when there are fewer), so a retry may land on the same
// channel. A channel is disabled for everyone after repeated failures and re-enabled by
// the periodic channel test.
import type { Candidate } from '../../../worker/core/types';
import type { Strategy } from './strategy';

const DISABLE_AFTER = 5;
const TEST_INTERVAL_MS = 60_000;

export const weightedRandom: Strategy = {
  name: 'weighted-random',
  start(context) {
    const consecutive = new Map<string, number>();
    const disabled = new Set<string>();
    context.every(TEST_INTERVAL_MS, () => {
      for (const channel_id of [...disabled]) {
        if (context.probe(channel_id)) {
          disabled.delete(channel_id);
          consecutive.set(channel_id, 0);
        }
      }
    });
    return () => ({
      route({ candidates, random, max_attempts }) {
        const enabled = candidates.filter((candidate) => !disabled.has(candidate.channel_id));
        const priorities = [...new Set(enabled.map((candidate) => candidate.priority))].sort((a, b) => b - a);
        const attempts: Candidate[] = [];
        for (let attempt = 0; attempt < max_attempts && priorities.length > 0; attempt++) {
          const priority = priorities[Math.min(attempt, priorities.length - 1)]!;
          const tier = enabled.filter((candidate) => candidate.priority === priority);
          let sum = 0;
          for (const candidate of tier) sum += Math.max(candidate.weight, 1e-3);
          let draw = random() * sum;
          let chosen = tier[tier.length - 1]!;
          for (const candidate of tier) {
            draw -= Math.max(candidate.weight, 1e-3);
            if (draw < 0) {
              chosen = candidate;
              break;
            }
          }
          attempts.push(chosen);
        }
        return attempts;
      },
      started() {},
      ended(channel_id, report) {
        if (report.ok) {
          consecutive.set(channel_id, 0);
        } else if (report.error_class !== 'rate_limit' && report.error_class !== 'client') {
          const failures = (consecutive.get(channel_id) ?? 0) + 1;
          consecutive.set(channel_id, failures);
          if (failures >= DISABLE_AFTER) disabled.add(channel_id);
        }
      },
    });
  },
};
