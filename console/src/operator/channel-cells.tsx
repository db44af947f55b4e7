// Cells of the channel list: status with its reason, the score components as bars, the
// traffic share now against an hour ago, and the error classes.
import { Badge } from '@/components/ui/badge';
import { formatPercent } from '@/lib/format';
import type { ChannelStatus, ErrorClass, ScoreComponents } from './types';

const STATUS_VARIANT: Record<ChannelStatus, 'success' | 'warning' | 'destructive' | 'secondary'> = {
  up: 'success',
  degraded: 'warning',
  down: 'destructive',
  idle: 'secondary',
};

export function StatusCell({ status, reason, enabled }: { status: ChannelStatus; reason: string; enabled: boolean }) {
  return (
    <div className="grid gap-0.5">
      <div className="flex gap-1">
        <Badge variant={STATUS_VARIANT[status]} data-testid="channel-status">
          {status}
        </Badge>
        {enabled ? null : <Badge variant="outline">disabled</Badge>}
      </div>
      <span className="text-muted-foreground block max-w-56 text-xs whitespace-normal">{reason}</span>
    </div>
  );
}

const COMPONENT_NAMES = ['reliability', 'ttft', 'throughput', 'margin', 'load'] as const;

/** One bar per component (0–1), the value as text beside it for screen readers and tests. */
export function ComponentBars({ components }: { components: Partial<ScoreComponents> | null | undefined }) {
  if (!components) return <span className="text-muted-foreground text-xs">no decisions</span>;
  return (
    <dl className="grid w-44 grid-cols-[5.5rem_1fr_2rem] items-center gap-x-1 text-xs">
      {COMPONENT_NAMES.map((name) => {
        const value = components[name];
        return (
          <div key={name} className="contents">
            <dt className="text-muted-foreground">{name === 'reliability' ? 'success' : name}</dt>
            <dd className="bg-muted h-1.5 rounded">
              <div className="bg-primary h-1.5 rounded" style={{ width: `${Math.round((value ?? 0) * 100)}%` }} />
            </dd>
            <dd className="tabular-nums">{value === undefined ? '—' : value.toFixed(2)}</dd>
          </div>
        );
      })}
    </dl>
  );
}

export function ShareCell({ now, hourAgo }: { now: number; hourAgo: number }) {
  const delta = (now - hourAgo) * 100;
  return (
    <div className="tabular-nums" data-testid="channel-share" data-share={now}>
      <div>{formatPercent(now * 100)}</div>
      <div className="text-muted-foreground text-xs">
        hour ago {formatPercent(hourAgo * 100)} ({delta >= 0 ? '+' : '−'}
        {Math.abs(delta).toFixed(1)} pt)
      </div>
    </div>
  );
}

export function ErrorClassesCell({ classes }: { classes: Partial<Record<ErrorClass, number>> }) {
  const entries = Object.entries(classes).filter(([name, count]) => name !== 'none' && (count ?? 0) > 0);
  if (entries.length === 0) return <span className="text-muted-foreground text-xs">none</span>;
  return (
    <div className="flex max-w-48 flex-wrap gap-1">
      {entries.map(([name, count]) => (
        <Badge key={name} variant="outline">
          {name} {count}
        </Badge>
      ))}
    </div>
  );
}
