// Admission control: may this caller start this request? The user's account object decides,
// atomically across isolates, through a lease this isolate holds on the key (accounts/lease.ts):
// the key's RPM / TPM windows, the key's daily and monthly and the user's monthly budget, and
// the balance, which must cover the request's largest possible cost (held until `settle`).
// Most requests are admitted and settled in this isolate's memory; the object is called when
// a lease runs short or expires, and hears what settled in batches. When the object cannot be
// reached and the lease cannot cover the request, it is refused (fail closed, 503): a gateway
// selling prepaid credit must not hand out spend nobody metered. See README "Accounts and money".
import type { KeyContext } from '../auth/key-context';
import type { GatewayError } from '../errors';
import type { Result } from '../protocols/types';
import type { LeaseAdmission, LeaseBook } from '../accounts/lease';
import { usdToNano, type AccountLimits } from '../accounts/account-types';
import { safeMessage } from '../protocols/shared/upstream-failure';

export interface AdmissionRequest {
  request_id: string;
  /** The most this request can cost the caller, USD. */
  max_charge_usd: number;
  input_tokens: number;
  max_output_tokens: number;
  now: number;
}

export interface SettledUsage {
  input_tokens: number;
  output_tokens: number;
}

export interface Admission {
  /**
   * Settle the request: release its reservation and book what it actually cost, at once in
   * this isolate (the object hears in the background). With the actual usage the TPM window
   * is corrected exactly; without it, by the charge's share of the reservation (exact when
   * input and output are priced alike).
   */
  settle(actual_charge_usd: number, usage?: SettledUsage): Promise<void>;
}

export async function admit(
  leases: LeaseBook,
  auth: KeyContext,
  request: AdmissionRequest,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<Result<Admission, GatewayError>> {
  const reserve = Math.ceil(request.max_charge_usd * 1_000_000_000);
  const decision = await leases.admit(
    { user_id: auth.user_id, key_id: auth.key_id, request_id: request.request_id, limits: limitsOf(auth), reserve_nanousd: reserve, input_tokens: request.input_tokens },
    waitUntil,
  );
  if (!decision.ok) {
    if (decision.reason === 'unreachable') {
      // The client hears only that billing is unavailable; the log must say why, or a bug in
      // the account object looks exactly like a network blip.
      console.error(`request ${request.request_id}: account object failed (${causeOf(decision.cause)}); refused (fail closed)`);
      return { ok: false, error: { kind: 'upstream', status: 503, error_class: 'server', message: 'Billing is briefly unavailable; the request was not started. Try again.' } };
    }
    return { ok: false, error: refusalError(decision) };
  }
  const ticket = decision.ticket;
  const settle = async (actual_charge_usd: number, usage?: SettledUsage): Promise<void> => {
    const tokens = usage
      ? usage.input_tokens + usage.output_tokens
      : reserve > 0
        ? Math.round(((request.input_tokens + request.max_output_tokens) * usdToNano(actual_charge_usd)) / reserve)
        : request.input_tokens;
    const reporting = ticket.settle(usdToNano(actual_charge_usd), tokens);
    if (reporting) waitUntil(reporting);
  };
  return { ok: true, value: { settle } };
}

/**
 * A failure's name and message for the log, with anything shaped like a credential redacted
 * (an error from deep inside a request may quote a header or a key).
 */
export function causeOf(caught: unknown): string {
  if (caught instanceof Error) return safeMessage(`${caught.name}: ${caught.message}`);
  return safeMessage(`non-error thrown: ${typeof caught === 'string' ? caught : typeof caught}`);
}

export function limitsOf(auth: KeyContext): AccountLimits {
  return {
    rpm: auth.rpm,
    tpm: auth.tpm,
    key_daily_nanousd: auth.budget_daily_usd === null ? null : usdToNano(auth.budget_daily_usd),
    key_monthly_nanousd: auth.budget_monthly_usd === null ? null : usdToNano(auth.budget_monthly_usd),
    user_monthly_nanousd: auth.user_budget_monthly_usd === null ? null : usdToNano(auth.user_budget_monthly_usd),
  };
}

function refusalError(decision: Exclude<LeaseAdmission, { ok: true } | { reason: 'unreachable' }>): GatewayError {
  switch (decision.reason) {
    case 'rpm':
    case 'tpm':
      return { kind: 'rate_limited', message: decision.message, retry_after_s: Math.max(1, Math.ceil((decision.retry_after_ms ?? 1000) / 1000)) };
    case 'balance':
      return { kind: 'insufficient_balance', message: decision.message };
    default:
      return { kind: 'budget_exceeded', message: decision.message };
  }
}
