// What the worker and a user's account object (account-object.ts) say to each other.
// Money is integer nano-USD throughout; time is epoch ms, always passed in by the caller so
// that windows and periods are testable (the object never reads the clock itself).

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
  /** Held by requests in flight. */
  reserved_nanousd: number;
  available_nanousd: number;
  open_reservations: number;
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
