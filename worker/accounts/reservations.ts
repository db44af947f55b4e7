// Open reservations of one account, in memory: the money held by requests in flight, with
// running totals (overall and per key) and a min-heap by expiry, so admitting, settling and
// expiring a reservation are O(log n) and reading a total is O(1). Pure: the account object
// persists each change (one row per reservation) and rebuilds this from those rows on load.

export interface Reservation {
  request_id: string;
  key_id: string;
  amount: number;
  expires_at: number;
}

export class Reservations {
  readonly #open = new Map<string, Reservation>();
  readonly #byKey = new Map<string, number>();
  #total = 0;
  // Entries of settled (or replaced) reservations stay until they reach the top; the heap is
  // rebuilt when they outnumber the open ones.
  #heap: Reservation[] = [];

  get total(): number {
    return this.#total;
  }

  get size(): number {
    return this.#open.size;
  }

  reservedFor(keyId: string): number {
    return this.#byKey.get(keyId) ?? 0;
  }

  get(requestId: string): Reservation | undefined {
    return this.#open.get(requestId);
  }

  has(requestId: string): boolean {
    return this.#open.has(requestId);
  }

  /** Hold `amount` for a request; a reservation of the same request is replaced. */
  add(reservation: Reservation): void {
    this.remove(reservation.request_id);
    const entry = { ...reservation };
    this.#open.set(entry.request_id, entry);
    this.#byKey.set(entry.key_id, this.reservedFor(entry.key_id) + entry.amount);
    this.#total += entry.amount;
    this.#push(entry);
  }

  /** Release a request's reservation; undefined when it holds none. */
  remove(requestId: string): Reservation | undefined {
    const entry = this.#open.get(requestId);
    if (entry === undefined) return undefined;
    this.#open.delete(requestId);
    const left = this.reservedFor(entry.key_id) - entry.amount;
    if (left === 0) this.#byKey.delete(entry.key_id);
    else this.#byKey.set(entry.key_id, left);
    this.#total -= entry.amount;
    if (this.#heap.length > 2 * this.#open.size + 64) this.#rebuild();
    return entry;
  }

  /** Release every reservation with expires_at ≤ now and return them. */
  expire(now: number): Reservation[] {
    const expired: Reservation[] = [];
    while (this.#heap.length > 0 && this.#heap[0]!.expires_at <= now) {
      const top = this.#pop();
      // Only the entry still open counts (not one settled or replaced since).
      if (this.#open.get(top.request_id) === top) expired.push(this.remove(top.request_id)!);
    }
    return expired;
  }

  #rebuild(): void {
    this.#heap = [...this.#open.values()].sort((a, b) => a.expires_at - b.expires_at);
  }

  #push(entry: Reservation): void {
    const heap = this.#heap;
    heap.push(entry);
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (heap[parent]!.expires_at <= entry.expires_at) break;
      heap[child] = heap[parent]!;
      child = parent;
    }
    heap[child] = entry;
  }

  #pop(): Reservation {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let parent = 0;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1]!.expires_at < heap[child]!.expires_at) child += 1;
      if (heap[child]!.expires_at >= last.expires_at) break;
      heap[parent] = heap[child]!;
      parent = child;
    }
    heap[parent] = last;
    return top;
  }
}
