// LiteLLM's router cool-down, shared by its routing strategies: a deployment that fails more
// than `allowed_fails` times in a minute, or answers 429, is skipped for 5 seconds. When every
// deployment is cooling down, all are eligible again.
import type { Candidate } from '../../../worker/core/types';
import type { AttemptReport } from './strategy';

const ALLOWED_FAILS = 3;
const COOLDOWN_MS = 5_000;
const MINUTE_MS = 60_000;

export class LiteLlmCooldown {
  readonly #failures = new Map<string, number[]>();
  readonly #until = new Map<string, number>();

  available(candidates: readonly Candidate[], now: number): Candidate[] {
    const ready = candidates.filter((candidate) => (this.#until.get(candidate.channel_id) ?? 0) <= now);
    return ready.length > 0 ? ready : candidates.slice();
  }

  ended(channel_id: string, report: AttemptReport, now: number): void {
    if (report.ok || report.error_class === 'client') return;
    if (report.error_class === 'rate_limit') {
      this.#until.set(channel_id, now + COOLDOWN_MS);
      return;
    }
    const recent = (this.#failures.get(channel_id) ?? []).filter((at) => at > now - MINUTE_MS);
    recent.push(now);
    if (recent.length > ALLOWED_FAILS) {
      this.#until.set(channel_id, now + COOLDOWN_MS);
      recent.length = 0;
    }
    this.#failures.set(channel_id, recent);
  }
}
