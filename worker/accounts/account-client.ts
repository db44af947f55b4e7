// The worker's handle on a user's account object.
import type { Bindings } from '../env';
import type { AccountObject } from './account-object';
import type { VersionedBalance } from './balance';

export function accountOf(env: Bindings, userId: string): DurableObjectStub<AccountObject> {
  const namespace = env.ACCOUNTS;
  return namespace.get(namespace.idFromName(userId));
}

/** Tell the user's object about a new D1 balance. Failure leaves it on an older, lower-or-equal view until the next sync. */
export async function syncAccount(env: Bindings, userId: string, balance: VersionedBalance, ledgeredRequestIds: string[], now: number): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await accountOf(env, userId).syncBalance({
        user_id: userId,
        balance_nanousd: balance.balance_nanousd,
        version: balance.version,
        ledgered_request_ids: ledgeredRequestIds,
        now,
      });
      return true;
    } catch {
      // Retried; the caller reports a failure so the ledger batch is sent again.
    }
  }
  return false;
}
