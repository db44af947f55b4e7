// Answers a failed authentication: at once, after a delay, or with a refusal. The isolate
// remembers blocks it has seen (bounded, least recently seen address dropped first), so a
// blocked address costs no I/O; otherwise the address's AUTH_GUARD object counts the failure
// for every isolate. If that object cannot be reached the isolate counts alone: the guard
// never turns a 401 into a 5xx. Successful authentications never come here.
import type { Bindings } from '../env';
import { blockOf, FRESH_RECORD, recordFailure, type FailurePolicy, type FailureRecord, type FailureVerdict } from './failure-policy';

const MAX_ADDRESSES = 10_000;

export class BruteForceGuard {
  readonly #records = new Map<string, FailureRecord>();

  async onFailure(env: Bindings, address: string, now: number, policy: FailurePolicy): Promise<FailureVerdict> {
    const known = this.#records.get(address);
    const blocked = blockOf(known, now);
    if (blocked) return blocked;
    const local = recordFailure(known ?? FRESH_RECORD, now, policy);
    let verdict = local.verdict;
    const namespace = env.AUTH_GUARD;
    if (namespace) {
      try {
        verdict = await namespace.get(namespace.idFromName(address)).fail(now, policy);
      } catch {
        // Counted in this isolate only (above); the shared count resumes with the next failure.
      }
    }
    const record = verdict.blocked ? { ...local.record, blocked_until: now + verdict.retry_after_ms } : local.record;
    this.#remember(address, record);
    return verdict;
  }

  #remember(address: string, record: FailureRecord): void {
    this.#records.delete(address);
    this.#records.set(address, record);
    if (this.#records.size > MAX_ADDRESSES) this.#records.delete(this.#records.keys().next().value!);
  }
}

/** Resolves after `ms` (0: at once). */
export function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
