// The analytics node's metrics and traces: GET /metrics (Prometheus text) and, when an OTLP
// endpoint is configured, one trace per request. Both are fed by one call per ingest batch
// with the records this node stored, and keep all their state in memory: a scrape never
// reads the log store.
import { Hono, type Context } from 'hono';
import type { LogRecord, ScoreTable } from '../../worker/core/types';
import { otlpConfigFromEnvironment } from '../otlp/otlp-config';
import { SpanExporter } from '../otlp/span-exporter';
import { TraceRecorder } from '../otlp/trace-recorder';
import { ChannelMetrics } from './channel-metrics';
import { EXPOSITION_CONTENT_TYPE, ExpositionWriter } from './exposition';
import { IngestCounters, ingestObserver } from './ingest-observer';
import { metricsAuth } from './metrics-auth';

export interface TelemetryOptions {
  /** The node's reader check (read-auth.ts readerIdentifier): null when the request may not read. */
  identify(c: Context): Promise<unknown>;
  store: { rowCount(): number };
  currentScores(): Pick<ScoreTable, 'version' | 'computed_at'>;
  now?: () => number;
  /** METRICS_TOKEN and the OTEL_* variables; default process.env. */
  environment?: Readonly<Record<string, string | undefined>>;
}

export interface Telemetry {
  /** GET /metrics, and the ingest observer: mount before the ingest route. */
  routes: Hono;
  /** The records this node just stored (duplicates left out). */
  recordStored(records: readonly LogRecord[]): void;
  /** Sends the spans still queued (one try each) and stops the export timer. */
  stop(): Promise<void>;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const environment = options.environment ?? process.env;
  const now = options.now ?? Date.now;
  const otlp = otlpConfigFromEnvironment(environment);
  if (!otlp.ok) throw new Error(`analytics node: ${otlp.error}`);
  for (const warning of otlp.warnings) console.warn(`analytics node: ${warning}`);
  const exporter = otlp.config === null ? null : new SpanExporter(otlp.config);
  const traces = exporter === null ? null : new TraceRecorder(exporter);
  const channels = new ChannelMetrics();
  const ingest = new IngestCounters();

  function render(): string {
    const writer = new ExpositionWriter();
    channels.write(writer);
    ingest.write(writer);
    const scores = options.currentScores();
    writer.single('switchboard_score_version', 'gauge', 'Version of the score table this node holds.', scores.version);
    writer.single('switchboard_score_age_seconds', 'gauge', 'Seconds since that score table was computed.', Math.max(0, (now() - scores.computed_at) / 1000));
    writer.single('switchboard_log_store_rows', 'gauge', 'Rows in the log store as this node counts them.', options.store.rowCount());
    writer.single('switchboard_otlp_enabled', 'gauge', '1 when OTLP trace export is configured.', exporter === null ? 0 : 1);
    writer.single('switchboard_otlp_spans_exported_total', 'counter', 'Spans the OTLP receiver accepted.', exporter?.counters.exported ?? 0);
    writer.family('switchboard_otlp_spans_dropped_total', 'counter', 'Spans dropped: queue_full (the bounded queue), export_failed (retries ran out or the receiver refused), rejected (partial success).');
    for (const reason of ['queue_full', 'export_failed', 'rejected'] as const) {
      writer.sample('switchboard_otlp_spans_dropped_total', { reason }, exporter?.counters.dropped[reason] ?? 0);
    }
    writer.single('switchboard_otlp_export_retries_total', 'counter', 'Export requests sent again after a retryable failure.', exporter?.counters.retries ?? 0);
    writer.single('switchboard_otlp_queue_spans', 'gauge', 'Spans waiting for export.', exporter?.queuedSpans ?? 0);
    return writer.text();
  }

  const routes = new Hono();
  routes.use('/ingest', ingestObserver(ingest));
  routes.get('/metrics', metricsAuth(options.identify, environment.METRICS_TOKEN), (c) =>
    c.body(render(), 200, { 'content-type': EXPOSITION_CONTENT_TYPE, 'cache-control': 'no-store' }),
  );

  return {
    routes,
    recordStored(records) {
      for (const record of records) channels.record(record);
      traces?.record(records);
    },
    stop: async () => exporter?.stop(),
  };
}
