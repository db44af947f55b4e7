// LogRecords as JSONEachRow rows for the ClickHouse tables (clickhouse-schema.ts). JSON
// carries every string verbatim (quotes, backslashes, NUL), so nothing is escaped by hand.
import type { LogRecord } from '../../worker/core/types';

export function logRow(record: LogRecord): Record<string, unknown> {
  return {
    request_id: record.request_id,
    attempt: record.attempt,
    ts_start: record.ts_start,
    ts_end: record.ts_end,
    key_id: record.key_id,
    user_id: record.user_id,
    group_id: record.group_id,
    model: record.model,
    channel_id: record.channel_id,
    upstream_model: record.upstream_model,
    client_protocol: record.client_protocol,
    dialect: record.dialect,
    stream: record.stream,
    status: record.status,
    error_class: record.error_class,
    error_message: record.error_message,
    ttft_ms: record.ttft_ms,
    duration_ms: record.duration_ms,
    input_tokens: record.input_tokens,
    output_tokens: record.output_tokens,
    cached_input_tokens: record.cached_input_tokens,
    reasoning_tokens: record.reasoning_tokens,
    usage_estimated: record.usage_estimated,
    cost_usd: record.cost_usd,
    price_usd: record.price_usd,
    final: record.final,
    cache_write_tokens: record.cache_write_tokens ?? 0,
    cache_write_1h_tokens: record.cache_write_1h_tokens ?? 0,
    conversation: record.conversation ?? null,
    cache_state: record.cache_state ?? null,
    hedge: record.hedge ?? null,
  };
}

/** The decision a first attempt carries, as a `decisions` row; null when it has none. */
export function decisionRow(record: LogRecord): Record<string, unknown> | null {
  const decision = record.decision;
  if (decision === undefined) return null;
  return {
    request_id: record.request_id,
    ts: record.ts_start,
    user_id: record.user_id,
    key_id: record.key_id,
    model: record.model,
    mode: decision.mode,
    rule: decision.rule,
    temperature: decision.temperature,
    exploration: decision.exploration,
    weights: JSON.stringify(decision.weights),
    score_version: decision.score_version,
    total_candidates: decision.total_candidates,
    candidates: JSON.stringify(decision.candidates),
    plan: JSON.stringify(decision.plan),
    reason: decision.reason,
  };
}
