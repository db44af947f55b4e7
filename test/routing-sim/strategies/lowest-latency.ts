// LiteLLM's latency-based routing: the deployment with the lowest average latency per output
// token over its last 10 successes (unmeasured ones count as 0, so they get tried), chosen at
// random among those within a 10% buffer of the lowest; the rest follow by latency. State is
// per process (here: per isolate), with LiteLLM's cool-down.
import type { Candidate } from '../../../worker/core/types';
import { LiteLlmCooldown } from './litellm-cooldown';
import type { Strategy } from './strategy';

const SAMPLES = 10;
const BUFFER = 0.1;

export const lowestLatency: Strategy = {
  name: 'lowest-latency',
  start: () => () => {
    const cooldown = new LiteLlmCooldown();
    const latencies = new Map<string, number[]>();
    const average = (candidate: Candidate): number => {
      const list = latencies.get(candidate.channel_id);
      if (list === undefined || list.length === 0) return 0;
      let sum = 0;
      for (const value of list) sum += value;
      return sum / list.length;
    };
    return {
      route({ candidates, now, random }) {
        const ranked = cooldown
          .available(candidates, now)
          .map((candidate) => ({ candidate, latency: average(candidate) }))
          .sort((a, b) => a.latency - b.latency);
        if (ranked.length === 0) return [];
        const limit = ranked[0]!.latency * (1 + BUFFER);
        const within = ranked.filter((entry) => entry.latency <= limit);
        const first = within[Math.floor(random() * within.length)]!;
        return [first.candidate, ...ranked.filter((entry) => entry !== first).map((entry) => entry.candidate)];
      },
      started() {},
      ended(channel_id, report, now) {
        cooldown.ended(channel_id, report, now);
        if (!report.ok) return;
        const list = latencies.get(channel_id) ?? [];
        list.push(report.duration_ms / Math.max(1, report.output_tokens));
        if (list.length > SAMPLES) list.shift();
        latencies.set(channel_id, list);
      },
    };
  },
};
