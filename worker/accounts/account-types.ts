// What the worker and a user's account object (account-object.ts) say to each other.
// Money is integer nano-USD throughout; time is epoch ms, always passed in by the caller so
// that windows and periods are testable (the object never reads the clock itself).
import type { AffinityAnswer, AffinityReport } from './affinity-types';

export interface AccountLimits {
  /** Requests per minute for this key; null = none. */
  rpm: number | null;
  /** Tokens per minute for this key (input estimate at admission, actual at settle); null = none. */
  tpm: number | null;
  key_daily_nanousd: number | null;
  key_monthly_nanousd: number | null;
  user_monthly_nanousd: number | null;
}

export interface AdmitInput {
  user_id: string;
  key_id: string;
  request_id: string;
  now: number;
  /** The most this request can cost: held until it settles or the reservation expires. */
  reserve_nanousd: number;
  input_tokens: number;
  limits: AccountLimits;
}

export type RefusalReason = 'balance' | 'key_daily_budget' | 'key_monthly_budget' | 'user_monthly_budget' | 'rpm' | 'tpm';

export type AdmitResult =
  | { ok: true; available_nanousd: number }
  | { ok: false; reason: RefusalReason; message: string; retry_after_ms?: number };

export interface SettleInput {
  user_id: string;
  key_id: string;
  request_id: string;
  now: number;
  charge_nanousd: number;
  /** Tokens the request actually used (input + output), for the TPM window. */
  tokens: number;
}

/** A new D1 balance (as of journal entry `version`) and the requests it now includes. */
export interface BalanceSync {
  user_id: string;
  balance_nanousd: number;
  version: number;
  ledgered_request_ids: string[];
  now: number;
}

export interface AccountStatus {
  /** D1 balance as of the last ledger write or credit the object heard of. */
  balance_nanousd: number;
  balance_version: number;
  /** Settled since that balance, not yet in a ledger batch. */
  unledgered_nanousd: number;
  /** Held by requests in flight (as their isolates last reported). */
  reserved_nanousd: number;
  /** What the user can still spend: balance − unledgered − reserved. */
  available_nanousd: number;
  /** Held by admission leases (isolates' slices, requests in flight included): not admissible elsewhere. */
  leased_nanousd: number;
  open_reservations: number;
  /** SQL statements that wrote since this object instance started (for the write budget's test). */
  storage_writes: number;
  user_month_nanousd: number;
  key: { day_nanousd: number; month_nanousd: number; total_nanousd: number; requests_last_minute: number; tokens_last_minute: number };
}

export const NANO_PER_USD = 1_000_000_000;

export function usdToNano(usd: number): number {
  return Math.round(usd * NANO_PER_USD);
}

export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}

/** A request settled under a lease: what it cost and which request slot it used. */
export interface LeaseCharge {
  request_id: string;
  /** The rate slot it used (null when the key has no RPM/TPM limit). */
  slot: string | null;
  charge_nanousd: number;
  /** Tokens it actually used (input + output), for the TPM window. */
  tokens: number;
  /** When it settled (decides the budget period it counts in). */
  at: number;
}

/**
 * One call from an isolate about its lease on one key: report what settled since the last
 * call, hand back what it does not need, and (when `need_nanousd` > 0) ask for more.
 * The report is applied even when the top-up is refused. See lease.ts.
 */
export interface LeaseInput extends AffinityReport {
  user_id: string;
  key_id: string;
  /** Chosen by the isolate, stable for the lease's life. */
  lease_id: string;
  now: number;
  limits: AccountLimits;
  /** The waiting request's reservation (0: report only). */
  need_nanousd: number;
  /** The waiting request's input estimate, for TPM. */
  need_tokens: number;
  /**
   * How much money to hold beyond `need_nanousd` when the balance and budgets allow (0:
   * exactly the need). With `need_nanousd` 0 and a slice, a top-up ahead of need: granted
   * what fits, never refused.
   */
  slice_nanousd: number;
  /** …but never more than this share of the available balance (0–1). */
  slice_fraction: number;
  /** Request slots to ask for on a rate-limited key (at least 1 when need_nanousd > 0). */
  slice_requests: number;
  /** Token allowance to ask for beyond need_tokens on a TPM-limited key. */
  slice_tokens: number;
  settled: LeaseCharge[];
  /** Money the isolate gives back (free, not reserved by any request in flight). */
  return_nanousd: number;
  /** Unused slots given back. */
  return_slots: string[];
  /** Token allowance given back (negative: the settled requests used more than their estimates). */
  return_tokens: number;
  /** The isolate is done with the lease: whatever it still holds is released. */
  close: boolean;
  /**
   * Reservations of this lease's requests in flight, after this report (the waiting request's
   * need not included: the object adds it when granted). Not used to admit (the lease's whole
   * holding is kept from others); it tells what the user can still spend, for status().
   */
  in_flight_nanousd: number;
}

export type LeaseResult =
  | (AffinityAnswer & {
      ok: true;
      /** Money added to the lease by this call (0 when none was asked). */
      granted_nanousd: number;
      slots: string[];
      granted_tokens: number;
      /** Until when the isolate may admit on the lease without calling again. */
      expires_at: number;
      available_nanousd: number;
    })
  | ({ ok: false; report_applied: true } & Extract<AdmitResult, { ok: false }>);
