// The end user's wire types (/api/me/*), re-exported by api-types.ts: import from there.
import type { ErrorClass } from '../../worker/core/types';

// ---- End user

export interface MeAccount {
  user_id: string;
  group: string;
  balance_usd: number;
  available_usd: number | null;
  budget_monthly_usd: number | null;
  month_spend_usd: number | null;
}
export interface UserOverview {
  tz: string;
  balance_usd: number;
  available_usd: number | null;
  /** USD per day over the last 7 days. */
  burn_rate_usd_per_day: number;
  /** At the burn rate; null when nothing is burning. */
  days_left: number | null;
  spend_today_usd: number;
  spend_7d_usd: number;
  spend_30d_usd: number;
  ttft_p95_ms: number | null;
}
export type UsageDimension = 'model' | 'key' | 'day';
export interface UsageGroup {
  /** Model id, key id, or the day `YYYY-MM-DD` in `tz`. */
  key: string;
  requests: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  spend_usd: number;
}
export interface UsageReport {
  from: number;
  to: number;
  tz: string;
  by: UsageDimension;
  groups: UsageGroup[];
  totals: Omit<UsageGroup, 'key'>;
}
/** The worker's balance journal entry (GET /admin/users/{id}/ledger). */
export interface LedgerEntry {
  id: number;
  kind: 'opening' | 'credit' | 'debit';
  amount_usd: number;
  amount_nanousd: number;
  /** Ledger batch id (debit) or credit id; '' for the opening entry. */
  reference: string;
  note: string;
  created_at: number;
}
export interface LedgerList {
  data: LedgerEntry[];
}
/** The worker's key view restricted to one user, plus spend from the log. */
export interface UserKey {
  id: string;
  user: string;
  name: string;
  prefix: string;
  status: 'active' | 'disabled' | 'revoked';
  models: string[];
  rpm: number | null;
  tpm: number | null;
  budget_daily_usd: number | null;
  budget_monthly_usd: number | null;
  expires_at: number | null;
  last_used_at: number | null;
  created_at: number;
  /** Σ charged over the last 30 days. */
  spend_30d_usd: number;
}
export interface UserKeyList {
  data: UserKey[];
}
export interface UserKeyCreateBody {
  name: string;
  rpm?: number | null;
  tpm?: number | null;
  budget_daily_usd?: number | null;
  budget_monthly_usd?: number | null;
}
export type UserKeyPatchBody = Partial<UserKeyCreateBody & { status: 'active' | 'disabled' }>;
/** The created key: `key` is shown this once. */
export type UserKeyCreated = Omit<UserKey, 'spend_30d_usd'> & { key: string };

export interface UserRequestRow {
  request_id: string;
  ts: number;
  model: string;
  key_id: string;
  stream: boolean;
  status: number;
  error_class: ErrorClass;
  /** Plain words for the error; '' on success. */
  error_explained: string;
  attempts: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  spend_usd: number;
  ttft_ms: number | null;
  duration_ms: number;
}
export interface UserRequestPage {
  rows: UserRequestRow[];
  next_cursor: string | null;
}
