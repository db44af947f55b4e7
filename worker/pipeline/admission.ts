// Admission control: may this caller start this request? A first, single-isolate rule —
// the key's user must have a positive balance. Reservations across isolates, budgets and
// RPM/TPM limits replace this function behind the same signature.
import type { KeyContext } from '../auth/key-context';
import type { Bindings } from '../env';
import type { GatewayError } from '../errors';
import type { Result } from '../protocols/types';

export interface AdmissionRequest {
  request_id: string;
  /** The most this request can cost the caller, USD. */
  max_charge_usd: number;
  input_tokens: number;
  max_output_tokens: number;
  now: number;
}

export interface Admission {
  /** Settle the request: release its reservation and debit what it actually cost. */
  settle(actual_charge_usd: number): Promise<void>;
}

const NOTHING_TO_SETTLE: Admission = { settle: async () => undefined };

export async function admit(_env: Bindings, auth: KeyContext, _request: AdmissionRequest): Promise<Result<Admission, GatewayError>> {
  if (auth.balance_nanousd <= 0) {
    return { ok: false, error: { kind: 'insufficient_balance', message: 'Your balance is exhausted. Add credits to continue.' } };
  }
  return { ok: true, value: NOTHING_TO_SETTLE };
}
