// The attempts of one request on a shared time axis: each a bar from its start to its end,
// the part before the first token shaded apart. Widths are percentages computed from the
// records (layout, not a chart).
import { Badge } from '@/components/ui/badge';
import { formatMs } from '@/lib/format';
import type { LogRow } from './types';

export function AttemptWaterfall({ attempts }: { attempts: LogRow[] }) {
  if (attempts.length === 0) return <p className="text-muted-foreground text-sm">No attempts logged.</p>;
  const start = Math.min(...attempts.map((attempt) => attempt.ts_start));
  const end = Math.max(...attempts.map((attempt) => attempt.ts_end), start + 1);
  const span = end - start;
  const percent = (value: number) => `${((value / span) * 100).toFixed(2)}%`;
  return (
    <ol className="grid gap-2" aria-label="Attempts on a time axis" data-testid="waterfall">
      {attempts.map((attempt) => {
        const offset = attempt.ts_start - start;
        const length = Math.max(attempt.ts_end - attempt.ts_start, 0);
        const waiting = attempt.ttft_ms === null ? length : Math.min(attempt.ttft_ms, length);
        const failed = attempt.error_class !== 'none';
        return (
          <li key={attempt.attempt} className="grid grid-cols-[11rem_1fr_7rem] items-center gap-2 text-xs" data-channel={attempt.channel_id} data-attempt={attempt.attempt}>
            <span className="truncate">
              #{attempt.attempt} {attempt.channel_id}{' '}
              <Badge variant={failed ? 'destructive' : 'success'}>{failed ? attempt.error_class : attempt.status}</Badge>
            </span>
            <span className="bg-muted relative h-4 rounded">
              <span className="absolute top-0 flex h-4" style={{ left: percent(offset), width: `max(${percent(length)}, 2px)` }}>
                <span className={failed ? 'bg-destructive/40 h-4' : 'bg-primary/40 h-4'} style={{ width: length === 0 ? '100%' : `${(waiting / length) * 100}%` }} title="before the first token" />
                <span className={failed ? 'bg-destructive h-4 flex-1' : 'bg-primary h-4 flex-1'} title="streaming" />
              </span>
            </span>
            <span className="text-muted-foreground tabular-nums">
              +{formatMs(offset)} · {formatMs(length)}
              {attempt.ttft_ms !== null ? ` · TTFT ${formatMs(attempt.ttft_ms)}` : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
