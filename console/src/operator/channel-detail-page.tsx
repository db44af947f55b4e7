// One channel: its configuration (credential shown only as how it is held), "Test now", and a
// timeline of score, traffic share and errors by class from the analytics node.
import { useMemo, useState } from 'react';
import { Link, useParams } from 'wouter';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Histogram } from '../charts/histogram';
import { TimeSeries } from '../charts/time-series';
import { ChannelForm } from './channel-form';
import { ChannelTestButton } from './channel-test-button';
import { ErrorLine, NativeSelect, PageHeading } from './page-parts';
import { useApi } from './use-api';
import type { ChannelTimeline, ChannelView, ListOf, ModelView } from './types';

const RANGES = [
  { value: '3600000', label: 'last hour' },
  { value: '21600000', label: 'last 6 hours' },
  { value: '86400000', label: 'last 24 hours' },
];

export function ChannelDetailPage() {
  const { id = '' } = useParams<{ id: string }>();
  const [rangeMs, setRangeMs] = useState(3_600_000);
  // Rounded to the minute so the query (and the fetch) is stable across renders.
  const to = Math.ceil(Date.now() / 60_000) * 60_000;
  const timeline = useApi<ChannelTimeline>(`/api/ops/channels/${encodeURIComponent(id)}/timeline`, { from: to - rangeMs, to });
  const view = useApi<ChannelView>(`/api/admin/channels/${encodeURIComponent(id)}`);
  const catalog = useApi<ListOf<ModelView>>('/api/admin/models');
  const [editing, setEditing] = useState(false);

  const points = timeline.data?.points ?? [];
  const times = useMemo(() => points.map((point) => point.at / 1000), [points]);
  const scoreLines = useMemo(
    () => [
      { label: 'success p', values: points.map((point) => point.success_p) },
      { label: 'traffic share', values: points.map((point) => point.traffic_share), color: '#7c3aed' },
    ],
    [points],
  );
  const errorSeries = useMemo(() => {
    const classes = new Set<string>();
    for (const point of points) for (const [name, count] of Object.entries(point.errors)) if (name !== 'none' && (count ?? 0) > 0) classes.add(name);
    return [
      { label: 'requests', values: points.map((point) => point.requests), color: '#2563eb' },
      ...[...classes].map((name, index) => ({
        label: name,
        values: points.map((point) => point.errors[name as keyof typeof point.errors] ?? 0),
        color: ['#dc2626', '#d97706', '#db2777', '#0891b2'][index % 4],
      })),
    ];
  }, [points]);

  return (
    <div>
      <PageHeading
        title={id}
        description={view.data ? `${view.data.type} · ${view.data.base_url} · ${view.data.enabled ? 'enabled' : 'disabled'}` : undefined}
        actions={
          <>
            <NativeSelect id="timeline-range" label="Range" value={String(rangeMs)} onChange={(event) => setRangeMs(Number(event.target.value))} options={RANGES} />
            <Button variant="outline" onClick={() => setEditing(true)} disabled={!view.data}>
              Edit
            </Button>
            <ChannelTestButton channelId={id} />
          </>
        }
      />
      <p className="mb-3 text-sm">
        <Link href="/channels" className="text-muted-foreground hover:underline">
          ← all channels
        </Link>
      </p>
      <ErrorLine error={timeline.error ?? view.error} />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Score and traffic share</CardTitle>
          </CardHeader>
          <CardContent>
            <TimeSeries times={times} lines={scoreLines} label={`Success probability and traffic share of ${id}`} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Requests and errors by class</CardTitle>
          </CardHeader>
          <CardContent>
            <Histogram times={times} series={errorSeries} label={`Requests and errors by class on ${id}`} height={200} />
          </CardContent>
        </Card>
      </div>
      {view.data ? (
        <Card className="mt-4">
          <CardHeader>
            <CardTitle>Configuration</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-2 text-sm">
            <div>
              Credential: <span data-testid="credential-storage">{view.data.api_key_set ? `stored (${view.data.credential.storage})` : 'none'}</span> · weight {view.data.weight} · priority {view.data.priority}
            </div>
            <ul className="grid gap-1">
              {view.data.models.map((entry) => (
                <li key={entry.model} className="tabular-nums">
                  {entry.model} → {entry.upstream_model ?? entry.model}: ${entry.cost.input_per_mtok} in / ${entry.cost.output_per_mtok} out per Mtok
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}
      {editing && view.data ? <ChannelForm open onOpenChange={setEditing} channel={view.data} catalog={catalog.data?.data.map((model) => model.id) ?? []} onSaved={() => view.reload()} /> : null}
    </div>
  );
}
