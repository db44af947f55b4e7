// How long leases and reservations live: shared by the account object and the isolate's lease
// book (which cannot import the object's module outside the Workers runtime).

/** A request admitted and never settled holds its reservation this long. */
export const RESERVATION_TTL_MS = 10 * 60_000;
/** An isolate may admit on a lease this long after its last call about it. */
export const LEASE_TTL_MS = 10_000;
/** …and, when this object cannot be reached, this much longer on what the lease still holds. */
export const LEASE_GRACE_MS = 30_000;
/**
 * The money a lease holds is kept from everyone else until this long after the isolate's last
 * call: long enough for every request it admitted to finish and report (a request may run
 * for up to RESERVATION_TTL_MS), so a crashed isolate's slice comes back, never too early.
 */
export const LEASE_HOLD_MS = LEASE_TTL_MS + LEASE_GRACE_MS + RESERVATION_TTL_MS;
