// Everything the pipeline needs to know about the caller, loaded once per key and cached.
import type { PolicyLayer } from '../config/schema';

export interface KeyContext {
  key_id: string;
  key_name: string;
  user_id: string;
  group_id: string;
  /** Allowed model ids or patterns ("*", "gpt-*"). */
  models: string[];
  rpm: number | null;
  tpm: number | null;
  budget_daily_usd: number | null;
  budget_monthly_usd: number | null;
  user_budget_monthly_usd: number | null;
  routing: PolicyLayer;
  /** Balance in nano-USD when the key was loaded (the authoritative check is the ledger's). */
  balance_nanousd: number;
}

/** `*` matches everything; a trailing `*` matches a prefix; anything else matches exactly. */
export function modelAllowed(patterns: readonly string[], model: string): boolean {
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === model) return true;
    if (pattern.endsWith('*') && model.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}
