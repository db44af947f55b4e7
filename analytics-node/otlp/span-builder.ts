// Log records → OTLP/JSON spans: one CLIENT span per attempt under one SERVER span for the
// request, emitted with the final attempt. Attributes follow the OpenTelemetry GenAI
// semantic conventions where they fit, switchboard.* otherwise. Ids, counts, classes and
// money only: no prompt, no answer, no key, no upstream error text.
import type { LogRecord, Protocol } from '../../worker/core/types';
import { attemptSpanIdOf, requestSpanIdOf, traceIdOf } from './trace-ids';

export type OtlpValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
export interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  status: { code: number; message?: string };
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

/** gen_ai.provider.name (and the older gen_ai.system) of an upstream dialect. */
const GENAI_PROVIDER: Record<Protocol, string> = {
  openai: 'openai',
  'openai-responses': 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
};

/** What the request span knows beyond its final attempt (remembered from earlier attempts). */
export interface RequestSummary {
  startMs: number;
  attempts: number;
}

function nanos(epochMs: number): string {
  return `${Math.round(epochMs)}000000`;
}

function attribute(key: string, value: string | number | boolean, integer = false): OtlpAttribute {
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  return { key, value: integer ? { intValue: String(Math.round(value)) } : { doubleValue: value } };
}

/** A client cancelling says nothing against the channel: only real failures mark a span as an error. */
function statusOf(record: LogRecord): OtlpSpan['status'] {
  if (record.error_class === 'none' || record.error_class === 'cancelled') return { code: STATUS_UNSET };
  return { code: STATUS_ERROR, message: record.status > 0 ? `${record.error_class} (HTTP ${record.status})` : record.error_class };
}

export function attemptSpan(record: LogRecord): OtlpSpan {
  const attributes = [
    attribute('gen_ai.provider.name', GENAI_PROVIDER[record.dialect]),
    attribute('gen_ai.system', GENAI_PROVIDER[record.dialect]),
    attribute('gen_ai.request.model', record.upstream_model || record.model),
    attribute('gen_ai.usage.input_tokens', record.input_tokens, true),
    attribute('gen_ai.usage.output_tokens', record.output_tokens, true),
    attribute('gen_ai.usage.cache_read.input_tokens', record.cached_input_tokens, true),
    attribute('gen_ai.usage.cache_creation.input_tokens', (record.cache_write_tokens ?? 0) + (record.cache_write_1h_tokens ?? 0), true),
    attribute('switchboard.channel', record.channel_id),
    attribute('switchboard.model', record.model),
    attribute('switchboard.attempt', record.attempt, true),
    attribute('switchboard.dialect', record.dialect),
    attribute('switchboard.stream', record.stream),
    attribute('switchboard.final', record.final),
    attribute('switchboard.error_class', record.error_class),
    attribute('switchboard.cost_usd', record.cost_usd),
    attribute('switchboard.price_usd', record.price_usd),
    attribute('switchboard.usage_estimated', record.usage_estimated),
  ];
  if (record.status > 0) attributes.push(attribute('http.response.status_code', record.status, true));
  if (record.error_class !== 'none') attributes.push(attribute('error.type', record.error_class));
  if (record.ttft_ms !== null) attributes.push(attribute('switchboard.ttft_ms', record.ttft_ms));
  if (record.hedge) attributes.push(attribute('switchboard.hedge', record.hedge));
  if (record.cache_state) attributes.push(attribute('switchboard.cache_state', record.cache_state));
  return {
    traceId: traceIdOf(record.request_id),
    spanId: attemptSpanIdOf(record.request_id, record.attempt),
    parentSpanId: requestSpanIdOf(record.request_id),
    name: `attempt ${record.channel_id}`,
    kind: SPAN_KIND_CLIENT,
    startTimeUnixNano: nanos(record.ts_start),
    endTimeUnixNano: nanos(Math.max(record.ts_start, record.ts_end)),
    attributes,
    status: statusOf(record),
  };
}

/** The request's root span, from its final attempt and what this node saw of the others. */
export function requestSpan(final: LogRecord, summary: RequestSummary): OtlpSpan {
  return {
    traceId: traceIdOf(final.request_id),
    spanId: requestSpanIdOf(final.request_id),
    name: `request ${final.model}`,
    kind: SPAN_KIND_SERVER,
    startTimeUnixNano: nanos(Math.min(summary.startMs, final.ts_start)),
    endTimeUnixNano: nanos(Math.max(final.ts_start, final.ts_end)),
    attributes: [
      attribute('gen_ai.request.model', final.model),
      attribute('switchboard.request_id', final.request_id),
      attribute('switchboard.channel', final.channel_id),
      attribute('switchboard.model', final.model),
      attribute('switchboard.attempts', Math.max(summary.attempts, final.attempt), true),
      attribute('switchboard.client_protocol', final.client_protocol),
      attribute('switchboard.group', final.group_id),
      attribute('switchboard.stream', final.stream),
      attribute('switchboard.error_class', final.error_class),
      attribute('switchboard.price_usd', final.price_usd),
    ],
    status: statusOf(final),
  };
}

/** The body of POST /v1/traces (ExportTraceServiceRequest, JSON encoding). */
export function exportRequestBody(spans: readonly OtlpSpan[], serviceName: string): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [attribute('service.name', serviceName)] },
        scopeSpans: [{ scope: { name: 'switchboard.analytics-node' }, spans }],
      },
    ],
  };
}
