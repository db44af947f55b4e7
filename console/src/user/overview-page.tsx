// The end user's overview: what they have, how fast it goes, and what they spent per day in
// their own time zone (the node computes day boundaries in `tz`).
import type { ReactNode } from 'react';
import { useAtomValue } from 'jotai';
import type { MeAccount, UserOverview } from '../../../analytics-node/console/api-types';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { formatMs, formatUsd } from '@/lib/format';
import { timeZoneAtom } from '@/lib/time';
import { useApi } from '@/lib/use-api';
import { LoadError } from './load-error';
import { PageHeader } from './page-header';

export function UserOverviewPage() {
  const zone = useAtomValue(timeZoneAtom);
  const overview = useApi<UserOverview>('/api/me/overview', { tz: zone });
  const account = useApi<MeAccount>('/api/me');
  const data = overview.data;
  return (
    <section aria-labelledby="overview-title">
      <PageHeader
        title="Overview"
        description={`${account.data ? `Account ${account.data.user_id}, group ${account.data.group}. ` : ''}Days are counted in ${zone}.`}
      />
      {overview.error && <LoadError error={overview.error} what="your overview" />}
      {!data && !overview.error && <Skeleton className="h-40 w-full" />}
      {data && (
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
          <Metric id="balance" title="Balance" value={formatUsd(data.balance_usd)}>
            {data.available_usd !== null && `${formatUsd(data.available_usd)} available after reservations`}
          </Metric>
          <Metric id="burn-rate" title="Burn rate" value={`${formatUsd(data.burn_rate_usd_per_day)} / day`}>
            Average over the last 7 days
          </Metric>
          <Metric id="days-left" title="Days left" value={daysLeftLabel(data.days_left)}>
            {data.days_left === null ? 'Nothing is being spent' : 'At the current burn rate'}
          </Metric>
          <Metric id="ttft-p95" title="Time to first token, p95" value={formatMs(data.ttft_p95_ms)}>
            What your requests got over 7 days
          </Metric>
          <Metric id="spend-today" title="Spent today" value={formatUsd(data.spend_today_usd)}>
            Since midnight in {data.tz}
          </Metric>
          <Metric id="spend-7d" title="Spent in 7 days" value={formatUsd(data.spend_7d_usd)}>
            Today and the 6 days before
          </Metric>
          <Metric id="spend-30d" title="Spent in 30 days" value={formatUsd(data.spend_30d_usd)}>
            Today and the 29 days before
          </Metric>
          {account.data?.budget_monthly_usd != null && (
            <Metric id="budget" title="Monthly budget" value={formatUsd(account.data.budget_monthly_usd)}>
              {formatUsd(account.data.month_spend_usd ?? 0)} spent this month
            </Metric>
          )}
        </div>
      )}
    </section>
  );
}

function Metric({ id, title, value, children }: { id: string; title: string; value: string; children?: ReactNode }) {
  return (
    <Card data-testid={`metric-${id}`} className="gap-2">
      <CardHeader>
        <CardDescription>{title}</CardDescription>
        <CardTitle className="text-2xl tabular-nums" data-testid={`metric-${id}-value`}>
          {value}
        </CardTitle>
      </CardHeader>
      {children && <CardContent className="text-muted-foreground text-xs">{children}</CardContent>}
    </Card>
  );
}

/** Days of spend the balance covers; past a year the exact figure means nothing. */
function daysLeftLabel(days: number | null): string {
  if (days === null) return '—';
  if (days > 365) return 'over a year';
  return days < 10 ? days.toFixed(1) : String(Math.floor(days));
}
