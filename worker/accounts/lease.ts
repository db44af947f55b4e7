// The isolate's side of admission: one lease per key, held in memory, so that admitting and
// settling a request are local operations and the user's account object (account-object.ts)
// hears from this isolate only when a lease runs short, every REPORT_EVERY_MS with what
// settled (or sooner, every REPORT_BATCH requests), and when the lease goes idle.
//
// A lease holds a slice of the user's money (the need of the request that asked, plus a
// slice: a fraction of what is available, capped), a few of the key's request slots and some
// of its token allowance when the key has RPM/TPM limits. A request reserves its largest
// possible charge from the lease's free money, as it did from the object before; when it
// settles, its reservation comes back less its charge. The object keeps the lease's money from
// everyone else until the isolate reports or closes it, so concurrent isolates cannot spend
// the same money: the overspend bound is what it was with per-request admission (a request
// costing more than its reservation), and it holds across isolates (test/worker/leases.test.ts).
//
// What leasing costs: money held by an idle lease is unavailable to other isolates until
// the lease closes (IDLE_CLOSE_MS after its last request) or, if this isolate dies, until the
// object lets it go (LEASE_HOLD_MS). A slice is the larger of `sliceMaxNanousd` (a few cents)
// and twice what the lease's requests held at once since its last call, and never more than
// `sliceFraction` of the available balance, so near a zero balance another isolate may see a
// 402 for at most a few cents.
//
// When the object cannot be reached, a lease admits on what it still holds until its expiry
// plus LEASE_GRACE_MS, then fails closed.
import type { AccountLimits, LeaseCharge, LeaseInput, LeaseResult, RefusalReason } from './account-types';
import { LEASE_GRACE_MS, LEASE_TTL_MS } from './lease-timing';
import { safeMessage } from '../protocols/shared/upstream-failure';
import { AffinityMemory } from './affinity-memory';

export const REPORT_BATCH = 64;
export const REPORT_EVERY_MS = 1_000;
export const IDLE_CLOSE_MS = 2_000;
/**
 * How long a refusal from the object answers later requests needing as much or more. A
 * burst against an exhausted balance or limit then costs the object one call, not one per
 * request; money that comes back meanwhile is seen that much later (money settled in this
 * isolate is seen at once: it is tried first).
 */
export const REFUSAL_MEMORY_MS = 250;

export interface LeaseSettings {
  /** Largest slice a lease asks for beyond the waiting request's need (nano-USD). */
  sliceMaxNanousd: number;
  /** Share of the available balance a slice may take (0–1). */
  sliceFraction: number;
  /** Share of a key's RPM / TPM a lease asks for at once (0–1). */
  rateFraction: number;
}

export const DEFAULT_LEASE_SETTINGS: LeaseSettings = { sliceMaxNanousd: 50_000_000, sliceFraction: 0.05, rateFraction: 0.1 };

/** The account object's `lease` method for a user (a stub call in production, a fake in tests). */
export type LeaseCall = (userId: string, input: LeaseInput) => Promise<LeaseResult>;

export interface LeaseRequest {
  user_id: string;
  key_id: string;
  request_id: string;
  limits: AccountLimits;
  reserve_nanousd: number;
  input_tokens: number;
}

export type LeaseAdmission =
  | { ok: true; ticket: Ticket }
  | { ok: false; reason: RefusalReason; message: string; retry_after_ms?: number }
  | { ok: false; reason: 'unreachable'; cause: unknown };

/** One admitted request: settle it exactly once. */
export interface Ticket {
  /**
   * Book the request's charge and tokens locally, at once. The report reaches the object in
   * the background: keep the returned promise alive (waitUntil) without waiting for it.
   */
  settle(chargeNanousd: number, tokens: number): Promise<void> | null;
}

interface KeyLease {
  id: string;
  userId: string;
  keyId: string;
  limits: AccountLimits;
  /** Money not reserved by a request in flight (may dip below 0 when a request cost more than its reservation). */
  free: number;
  slots: string[];
  /** Reservations of this lease's requests in flight. */
  reserved: number;
  /** The most `reserved` reached since the lease last called the object (sizes the next slice). */
  peakReserved: number;
  /** Token allowance not drawn yet. */
  tokens: number;
  /** Estimates drawn from the allowance by requests settled since the last report. */
  drawn: number;
  expiresAt: number;
  pending: LeaseCharge[];
  inFlight: number;
  lastUsedAt: number;
  sync: Promise<void> | null;
  closed: boolean;
  /** The object's last refusal, for REFUSAL_MEMORY_MS: a need at least as large is refused here. */
  refusal: { need: number; at: number; answer: Extract<LeaseAdmission, { ok: false; reason: RefusalReason }> } | null;
}

export class LeaseBook {
  readonly #leases = new Map<string, KeyLease>();
  readonly #isolate: string;
  #generation = 0;
  #chain: Promise<void> | null = null;
  /** The current report chain's number and start (a later settle's chain takes over from it). */
  #chainId = 0;
  #chainStartedAt = 0;
  /** Conversation affinity (affinity-memory.ts): shared with the user's other isolates on every call to the object. */
  readonly conversations = new AffinityMemory();

  constructor(
    private readonly call: LeaseCall,
    private readonly settings: LeaseSettings = DEFAULT_LEASE_SETTINGS,
    private readonly now: () => number = Date.now,
    /** Keeps background work alive when the caller gives no waitUntil of its own. */
    private readonly keepAlive: (promise: Promise<unknown>) => void = () => {},
    isolateId: string = crypto.randomUUID(),
  ) {
    this.#isolate = isolateId;
  }

  /** Open leases (for tests and health). */
  get size(): number {
    return this.#leases.size;
  }

  async admit(request: LeaseRequest, keepAlive?: (promise: Promise<unknown>) => void): Promise<LeaseAdmission> {
    const reserve = Math.max(1, Math.ceil(request.reserve_nanousd));
    const tokens = Math.max(0, Math.round(request.input_tokens));
    for (let round = 0; round < 3; round++) {
      const lease = this.#lease(request);
      lease.limits = request.limits;
      const local = this.#takeLocal(lease, request, reserve, tokens, this.now() < lease.expiresAt);
      if (local) {
        if (lease.expiresAt - this.now() < LEASE_TTL_HALF || lease.free < reserve) this.#background(lease, keepAlive);
        return { ok: true, ticket: local };
      }
      // Someone is already asking the object for this key: wait for it, then look again.
      if (lease.sync) {
        await lease.sync.catch(() => {});
        continue;
      }
      break;
    }
    const lease = this.#lease(request);
    const limited = request.limits.rpm !== null || request.limits.tpm !== null;
    // Claim what the lease has towards this request first (nobody else may take it while we
    // ask), so that the object is asked only for the shortfall: money parked in this lease
    // is never the reason for a refusal.
    const claimed = Math.max(0, Math.min(lease.free, reserve));
    lease.free -= claimed;
    let slot: string | null = null;
    let fromAllowance = false;
    if (limited && lease.slots.length > 0 && (request.limits.tpm === null || tokens <= lease.tokens)) {
      slot = lease.slots.pop()!;
      if (request.limits.tpm !== null) {
        lease.tokens -= tokens;
        fromAllowance = true;
      }
    }
    const unclaim = () => {
      lease.free += claimed;
      if (slot !== null) lease.slots.push(slot);
      if (fromAllowance) lease.tokens += tokens;
    };
    // At least 1: a call with a need is a request for admission (refusable), not a top-up ahead.
    const need = Math.max(1, reserve - claimed);
    // A burst against an exhausted balance or limit asks the object once, not once a request.
    const refused = lease.refusal;
    if (refused !== null && this.now() - refused.at < REFUSAL_MEMORY_MS && need >= refused.need) {
      unclaim();
      return refused.answer;
    }
    let result: LeaseResult;
    try {
      result = await this.#callObject(lease, need, slot === null ? tokens : 0, claimed);
    } catch (cause) {
      unclaim();
      // Unreachable: spend what the lease still holds, within its grace, then fail closed.
      const fallback = this.#takeLocal(lease, request, reserve, tokens, this.now() < lease.expiresAt + LEASE_GRACE_MS);
      return fallback ? { ok: true, ticket: fallback } : { ok: false, reason: 'unreachable', cause };
    }
    if (!result.ok) {
      unclaim();
      const answer = { ok: false as const, reason: result.reason, message: result.message, ...(result.retry_after_ms === undefined ? {} : { retry_after_ms: result.retry_after_ms }) };
      lease.refusal = { need, at: this.now(), answer };
      return answer;
    }
    lease.refusal = null;
    // Without a claimed slot, the grant's first slot is this request's, carrying its estimate.
    if (slot === null && result.slots.length > 0) {
      slot = result.slots[0]!;
      lease.slots.push(...result.slots.slice(1));
    } else lease.slots.push(...result.slots);
    return { ok: true, ticket: this.#ticket(lease, request.request_id, claimed + need, tokens, slot, fromAllowance) };
  }

  /** The user's balance or limits changed (a credit): stop repeating the object's last refusals. */
  forgetRefusals(userId: string): void {
    for (const lease of this.#leases.values()) if (lease.userId === userId) lease.refusal = null;
  }

  /** Report what settled under one key's lease now (read-your-writes for GET /v1/key). */
  async report(userId: string, keyId: string): Promise<void> {
    const lease = this.#leases.get(`${userId}\n${keyId}`);
    if (lease) await this.#report(lease, false);
  }

  /** Report everything now and close idle leases (tests, and the scheduled handler). */
  async flush(closeAll = false): Promise<void> {
    await Promise.all([...this.#leases.values()].map((lease) => this.#report(lease, closeAll && lease.inFlight === 0)));
  }

  #lease(request: LeaseRequest): KeyLease {
    const mapKey = `${request.user_id}\n${request.key_id}`;
    let lease = this.#leases.get(mapKey);
    if (lease === undefined || lease.closed) {
      lease = {
        id: `${this.#isolate}:${(this.#generation++).toString(36)}`,
        userId: request.user_id,
        keyId: request.key_id,
        limits: request.limits,
        free: 0,
        reserved: 0,
        peakReserved: 0,
        slots: [],
        tokens: 0,
        drawn: 0,
        expiresAt: 0,
        pending: [],
        inFlight: 0,
        lastUsedAt: this.now(),
        sync: null,
        closed: false,
        refusal: null,
      };
      this.#leases.set(mapKey, lease);
    }
    return lease;
  }

  #takeLocal(lease: KeyLease, request: LeaseRequest, reserve: number, tokens: number, valid: boolean): Ticket | null {
    if (!valid || lease.free < reserve) return null;
    const limited = request.limits.rpm !== null || request.limits.tpm !== null;
    if (limited && lease.slots.length === 0) return null;
    if (request.limits.tpm !== null && tokens > lease.tokens) return null;
    const slot = limited ? lease.slots.pop()! : null;
    if (request.limits.tpm !== null) lease.tokens -= tokens;
    lease.free -= reserve;
    lease.reserved += reserve;
    lease.peakReserved = Math.max(lease.peakReserved, lease.reserved);
    return this.#ticket(lease, request.request_id, reserve, tokens, slot, request.limits.tpm !== null);
  }

  /** A request admitted on `lease`, holding `reserve` of its money until it settles. */
  #ticket(lease: KeyLease, requestId: string, reserve: number, estimate: number, slot: string | null, fromAllowance: boolean): Ticket {
    lease.inFlight += 1;
    lease.lastUsedAt = this.now();
    let settled = false;
    return {
      settle: (chargeNanousd: number, tokens: number) => {
        if (settled) return null;
        settled = true;
        lease.inFlight -= 1;
        const charge = Math.max(0, Math.round(chargeNanousd));
        // What this request held comes back to the lease, less what it cost.
        lease.free += reserve - charge;
        lease.reserved -= reserve;
        if (fromAllowance) lease.drawn += estimate;
        lease.pending.push({ request_id: requestId, slot, charge_nanousd: charge, tokens: Math.max(0, Math.round(tokens)), at: this.now() });
        return this.#schedule(lease);
      },
    };
  }

  /** `claimed`: what the waiting request already took from the lease (in flight, not yet in `reserved`). */
  async #callObject(lease: KeyLease, need: number, needTokens: number, claimed = 0): Promise<LeaseResult> {
    let release!: () => void;
    lease.sync = new Promise<void>((resolve) => (release = resolve));
    const settled = lease.pending;
    const drawn = lease.drawn;
    lease.pending = [];
    lease.drawn = 0;
    const limits = lease.limits;
    // need 0: a top-up ahead of need (granted what fits, refused nothing).
    const wantsRate = limits.rpm !== null || limits.tpm !== null;
    try {
      const result = await this.#exchange(lease.userId, {
        user_id: lease.userId,
        key_id: lease.keyId,
        lease_id: lease.id,
        now: this.now(),
        limits,
        need_nanousd: need,
        need_tokens: needTokens,
        // Enough for what this isolate's requests held at once since the last call, twice over,
        // so a busy key is not topped up request by request (the object still caps the slice
        // at its share of the available balance).
        slice_nanousd: Math.max(this.settings.sliceMaxNanousd, 2 * (lease.peakReserved + claimed + need)),
        slice_fraction: this.settings.sliceFraction,
        // Only what brings the lease back to its share: unused slots count against the key everywhere.
        slice_requests: wantsRate ? Math.max(need > 0 ? 1 : 0, slotTarget(limits, this.settings.rateFraction) - lease.slots.length) : 0,
        slice_tokens: wantsRate && limits.tpm !== null ? Math.max(0, Math.floor(limits.tpm * this.settings.rateFraction) - lease.tokens) : 0,
        settled,
        return_nanousd: 0,
        return_slots: [],
        return_tokens: drawn,
        close: false,
        in_flight_nanousd: lease.reserved + claimed,
      });
      // The report was applied whatever the answer; the expiry moves only on success.
      if (result.ok) {
        lease.expiresAt = result.expires_at;
        // The need is the waiting request's own reservation: only the rest is free.
        lease.free += result.granted_nanousd - need;
        lease.tokens += result.granted_tokens;
        if (need === 0) lease.slots.push(...result.slots);
        lease.reserved += need > 0 ? claimed + need : 0;
        lease.peakReserved = lease.reserved;
      } else {
        lease.expiresAt = Math.max(lease.expiresAt, this.now() + LEASE_TTL_HALF);
      }
      return result;
    } catch (error) {
      // Not applied: the report goes out with the next call.
      lease.pending = settled.concat(lease.pending);
      lease.drawn += drawn;
      throw error;
    } finally {
      lease.sync = null;
      release();
    }
  }

  /** One call to the user's object, carrying this isolate's conversation updates and bringing back the user's. */
  async #exchange(userId: string, input: LeaseInput): Promise<LeaseResult> {
    const affinity = this.conversations.outgoing(userId);
    try {
      const result = await this.call(userId, { ...input, ...affinity });
      this.conversations.absorb(userId, result.ok ? result : undefined);
      return result;
    } catch (error) {
      this.conversations.restore(userId, affinity);
      throw error;
    }
  }

  /** A report of what settled, or the lease's close when it has gone idle. */
  async #report(lease: KeyLease, close: boolean): Promise<void> {
    if (lease.sync) await lease.sync.catch(() => {});
    if (lease.closed) return;
    if (!close && lease.pending.length === 0 && lease.drawn === 0) return;
    let release!: () => void;
    lease.sync = new Promise<void>((resolve) => (release = resolve));
    const settled = lease.pending;
    const drawn = lease.drawn;
    const slots = close ? lease.slots : [];
    const free = close ? Math.max(0, lease.free) : 0;
    const tokens = close ? lease.tokens : 0;
    lease.pending = [];
    lease.drawn = 0;
    if (close) {
      lease.closed = true;
      this.#leases.delete(`${lease.userId}\n${lease.keyId}`);
    }
    try {
      await this.#exchange(lease.userId, {
        user_id: lease.userId, key_id: lease.keyId, lease_id: lease.id, now: this.now(), limits: lease.limits,
        need_nanousd: 0, need_tokens: 0, slice_nanousd: 0, slice_fraction: 0, slice_requests: 0, slice_tokens: 0,
        settled, return_nanousd: free, return_slots: slots, return_tokens: drawn + tokens, close, in_flight_nanousd: lease.reserved,
      });
      if (!close) lease.expiresAt = Math.max(lease.expiresAt, this.now() + 2 * LEASE_TTL_HALF);
    } catch (error) {
      // Kept for the next report. A lease that could not close stays open, and the object lets
      // its money go after LEASE_HOLD_MS at the latest.
      console.error(`lease ${lease.id}: report of ${settled.length} settled requests did not reach the account object (${describe(error)}); kept for the next one`);
      lease.pending = settled.concat(lease.pending);
      lease.drawn += drawn;
      if (close) {
        lease.closed = false;
        this.#leases.set(`${lease.userId}\n${lease.keyId}`, lease);
      }
    } finally {
      lease.sync = null;
      release();
    }
  }

  /** A top-up or renewal ahead of need, in the background. */
  #background(lease: KeyLease, keepAlive?: (promise: Promise<unknown>) => void): void {
    if (lease.sync) return;
    const work = this.#callObject(lease, 0, 0).then(
      () => {},
      () => {},
    );
    (keepAlive ?? this.keepAlive)(work);
  }

  /**
   * Reports go out on one timer chain per isolate: a tick every REPORT_EVERY_MS reports what
   * settled and closes leases idle for IDLE_CLOSE_MS. A Workers timer lives only as long as
   * the request whose waitUntil holds it (30 s at most), so a chain runs at most MAX_TICKS;
   * a settle once the chain is HANDOVER_AFTER_MS old starts a new chain in its own request,
   * and the old one stops at its next tick. Under steady traffic the chain is always young
   * and a lease in use is never closed (closing it made the next request wait for a new
   * lease from the object: docs/perf-notes-tail.md). A chain that does reach MAX_TICKS has
   * seen no settle for its last ticks: it closes every lease with nothing in flight. The
   * promise it returns is the current chain.
   */
  #schedule(lease: KeyLease): Promise<void> {
    const batch = lease.pending.length >= REPORT_BATCH ? this.#report(lease, false) : null;
    const now = this.now();
    if (this.#chain === null || now - this.#chainStartedAt >= HANDOVER_AFTER_MS) {
      const id = ++this.#chainId;
      this.#chainStartedAt = now;
      this.#chain = this.#runChain(id).finally(() => {
        if (this.#chainId === id) this.#chain = null;
      });
    }
    const chain = this.#chain;
    return batch ? Promise.all([batch, chain]).then(() => {}) : chain;
  }

  async #runChain(id: number): Promise<void> {
    for (let tick = 1; tick <= MAX_TICKS && this.#leases.size > 0; tick++) {
      await new Promise((resolve) => setTimeout(resolve, REPORT_EVERY_MS));
      // A later request's chain took over: its timers outlive this one's.
      if (id !== this.#chainId) return;
      const now = this.now();
      const last = tick === MAX_TICKS;
      await Promise.all([...this.#leases.values()].map((open) => this.#report(open, open.inFlight === 0 && (last || now - open.lastUsedAt >= IDLE_CLOSE_MS))));
    }
  }
}

const MAX_TICKS = 10;
/** A settle this long after the chain started hands over to a new chain (well inside MAX_TICKS). */
export const HANDOVER_AFTER_MS = 5 * REPORT_EVERY_MS;

function describe(error: unknown): string {
  return safeMessage(error instanceof Error ? `${error.name}: ${error.message}` : `non-error thrown: ${typeof error}`);
}

/** Request slots a lease keeps on hand: a share of the key's RPM (64 when only TPM limits it). */
function slotTarget(limits: AccountLimits, rateFraction: number): number {
  return limits.rpm === null ? 64 : Math.max(1, Math.ceil(limits.rpm * rateFraction));
}
const LEASE_TTL_HALF = LEASE_TTL_MS / 2;
