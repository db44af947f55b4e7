// The messages a client sees when its account refuses a request: clear about which limit,
// never about anyone else's account.
import type { AccountLimits, RefusalReason } from './account-types';
import { nanoToUsd } from './account-types';

export function refusalMessage(reason: RefusalReason, limits: AccountLimits, never: boolean): string {
  switch (reason) {
    case 'balance':
      return 'Your balance is exhausted or too low for this request (its largest possible cost is held while it runs). Add credits, or lower max_tokens.';
    case 'key_daily_budget':
      return `This key's daily budget of $${usd(limits.key_daily_nanousd)} is exhausted; it resets at 00:00 UTC.`;
    case 'key_monthly_budget':
      return `This key's monthly budget of $${usd(limits.key_monthly_nanousd)} is exhausted; it resets on the 1st (UTC).`;
    case 'user_monthly_budget':
      return `Your account's monthly budget of $${usd(limits.user_monthly_nanousd)} is exhausted; it resets on the 1st (UTC).`;
    case 'rpm':
      return `Rate limit reached: this key allows ${limits.rpm} requests per minute.`;
    case 'tpm':
      return never
        ? `This request alone is larger than this key's limit of ${limits.tpm} tokens per minute.`
        : `Rate limit reached: this key allows ${limits.tpm} tokens per minute.`;
  }
}

function usd(nano: number | null): string {
  return nano === null ? '0' : String(Number(nanoToUsd(nano).toFixed(6)));
}
