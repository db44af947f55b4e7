// The live overview: rates, latency and money per minute, a sparkline per channel, and the
// incident feed, all updated from the live stream (use-live-overview.ts).
import { useMemo } from 'react';
import { useAtomValue } from 'jotai';
import { Link } from 'wouter';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { formatMs, formatPercent, formatUsd } from '@/lib/format';
import { formatTime, timeZoneAtom } from '@/lib/time';
import { Sparkline } from '../charts/sparkline';
import { TimeSeries } from '../charts/time-series';
import { ErrorLine, PageHeading, StatTile } from './page-parts';
import { useLiveOverview } from './use-live-overview';
import type { Incident, Overview } from './types';

const WINDOW_S = 3600;

export function OperatorOverview() {
  const { overview, incidents, state, error } = useLiveOverview(WINDOW_S);
  return (
    <div>
      <PageHeading
        title="Live overview"
        description="Updated at every score recompute."
        actions={
          <Badge variant={state === 'live' ? 'success' : 'warning'} data-testid="live-state">
            {state === 'live' ? 'live' : state}
          </Badge>
        }
      />
      <ErrorLine error={error} />
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <StatTile label="Requests/s" value={overview ? overview.requests_per_s.toFixed(2) : '—'} testId="stat-rps" />
        <StatTile label="Errors" value={formatPercent(overview?.error_pct)} testId="stat-errors" />
        <StatTile label="TTFT p50 / p95" value={`${formatMs(overview?.ttft_p50_ms)} / ${formatMs(overview?.ttft_p95_ms)}`} testId="stat-ttft" />
        <StatTile label="Paid $/min" value={formatUsd(overview?.cost_per_min_usd)} testId="stat-cost" />
        <StatTile label="Charged $/min" value={formatUsd(overview?.revenue_per_min_usd)} testId="stat-revenue" />
        <StatTile label="Margin $/min" value={formatUsd(overview?.margin_per_min_usd)} hint={formatPercent(overview?.margin_pct)} testId="stat-margin" />
      </div>
      <div className="mt-4 grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Per minute</CardTitle>
          </CardHeader>
          <CardContent>{overview ? <MinuteChart overview={overview} /> : <p className="text-muted-foreground text-sm">Waiting for data…</p>}</CardContent>
        </Card>
        <IncidentFeed incidents={incidents} />
      </div>
      <ChannelSparklines overview={overview} />
    </div>
  );
}

function MinuteChart({ overview }: { overview: Overview }) {
  const times = useMemo(() => overview.series.map((point) => point.at / 1000), [overview]);
  const lines = useMemo(
    () => [
      { label: 'requests', values: overview.series.map((point) => point.requests) },
      { label: 'errors', values: overview.series.map((point) => point.errors), color: '#dc2626' },
      { label: 'charged $', values: overview.series.map((point) => point.revenue_usd), secondary: true, color: '#16a34a' },
      { label: 'paid $', values: overview.series.map((point) => point.cost_usd), secondary: true, color: '#d97706' },
    ],
    [overview],
  );
  return <TimeSeries times={times} lines={lines} label="Requests, errors, charged and paid per minute" height={220} />;
}

function IncidentFeed({ incidents }: { incidents: Incident[] }) {
  const zone = useAtomValue(timeZoneAtom);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Incidents</CardTitle>
      </CardHeader>
      <CardContent>
        <ul className="max-h-64 space-y-2 overflow-auto text-sm" data-testid="incident-feed" aria-live="polite">
          {incidents.length === 0 ? <li className="text-muted-foreground">No incidents.</li> : null}
          {incidents.map((incident) => (
            <li key={`${incident.at}:${incident.channel_id}:${incident.kind}`} className="flex gap-2" data-kind={incident.kind} data-channel={incident.channel_id}>
              <span className="text-muted-foreground tabular-nums">{formatTime(incident.at, zone)}</span>
              <Badge variant={incident.kind === 'recovered' ? 'success' : incident.kind === 'score_drop' ? 'warning' : 'destructive'}>{incident.kind}</Badge>
              <span>
                <Link href={`/channels/${encodeURIComponent(incident.channel_id)}`} className="font-medium underline-offset-2 hover:underline">
                  {incident.channel_id}
                </Link>{' '}
                {incident.detail}
              </span>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

function ChannelSparklines({ overview }: { overview: Overview | null }) {
  const times = useMemo(() => overview?.series.map((point) => point.at / 1000) ?? [], [overview]);
  if (!overview) return null;
  return (
    <Card className="mt-4">
      <CardHeader>
        <CardTitle>Channels (attempts per minute)</CardTitle>
      </CardHeader>
      <CardContent>
        <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3" data-testid="channel-sparklines">
          {overview.channels.map((channel) => {
            const total = channel.requests.reduce((sum, value) => sum + value, 0);
            return (
              <li key={channel.channel_id} data-channel={channel.channel_id} data-requests={total} className="rounded-md border p-2">
                <div className="flex justify-between text-sm">
                  <Link href={`/channels/${encodeURIComponent(channel.channel_id)}`} className="font-medium hover:underline">
                    {channel.channel_id}
                  </Link>
                  <span className="text-muted-foreground tabular-nums">{total} attempts</span>
                </div>
                <Sparkline times={times.slice(-channel.requests.length)} values={channel.requests} label={`Attempts per minute on ${channel.channel_id}`} />
              </li>
            );
          })}
        </ul>
      </CardContent>
    </Card>
  );
}
