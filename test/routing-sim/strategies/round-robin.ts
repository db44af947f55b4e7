// The naive baseline: cycle through the channels, skipping (to the end of the list) those
// whose last attempt in this isolate failed in the last 10 seconds.
import type { Candidate } from '../../../worker/core/types';
import type { Strategy } from './strategy';

const SUSPECT_MS = 10_000;

export const roundRobin: Strategy = {
  name: 'round-robin',
  start: () => () => {
    let next = 0;
    const lastFailure = new Map<string, number>();
    return {
      route({ candidates, now }) {
        const count = candidates.length;
        const start = next++ % Math.max(1, count);
        const healthy: Candidate[] = [];
        const suspect: Candidate[] = [];
        for (let offset = 0; offset < count; offset++) {
          const candidate = candidates[(start + offset) % count]!;
          const failedAt = lastFailure.get(candidate.channel_id);
          (failedAt !== undefined && now - failedAt < SUSPECT_MS ? suspect : healthy).push(candidate);
        }
        return healthy.concat(suspect);
      },
      started() {},
      ended(channel_id, report, now) {
        if (report.ok) lastFailure.delete(channel_id);
        else if (report.error_class !== 'client') lastFailure.set(channel_id, now);
      },
    };
  },
};
