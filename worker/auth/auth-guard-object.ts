// One Durable Object per client address (AUTH_GUARD): the count of failed authentications
// every isolate shares, so an attacker spreading guesses over many isolates meets one limit.
// It is called only after a failure (a valid key never reaches it), holds one small record in
// memory and writes only when a block starts, so a restart forgets a half-counted window
// (at worst another window of guesses) but never a block.
import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env';
import { FRESH_RECORD, recordFailure, type FailurePolicy, type FailureRecord, type FailureVerdict } from './failure-policy';

export class AuthGuardObject extends DurableObject<Bindings> {
  #record: FailureRecord;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS block (id INTEGER PRIMARY KEY CHECK (id = 1), until INTEGER NOT NULL)');
    const row = ctx.storage.sql.exec<{ until: number }>('SELECT until FROM block WHERE id = 1').toArray()[0];
    this.#record = { ...FRESH_RECORD, blocked_until: Number(row?.until ?? 0) };
  }

  /** Count one failure at `now` (the caller's clock) and say how to answer it. */
  async fail(now: number, policy: FailurePolicy): Promise<FailureVerdict> {
    const before = this.#record.blocked_until;
    const { record, verdict } = recordFailure(this.#record, now, policy);
    this.#record = record;
    if (record.blocked_until !== before) {
      this.ctx.storage.sql.exec(
        'INSERT INTO block (id, until) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET until = excluded.until',
        record.blocked_until,
      );
    }
    return verdict;
  }
}
