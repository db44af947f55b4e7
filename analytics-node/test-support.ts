// Shared by the analytics-node tests and the benchmark: records and a node on a temp file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LogRecord } from '../worker/core/types';

export const TEST_SECRET = 'test-internal-secret';

/** A successful streamed attempt; override what the test is about. */
export function makeRecord(overrides: Partial<LogRecord> = {}): LogRecord {
  const ts_end = overrides.ts_end ?? 1_800_000_000_000;
  return {
    request_id: 'req-1',
    attempt: 1,
    ts_start: ts_end - 1000,
    ts_end,
    key_id: 'key-1',
    user_id: 'user-1',
    group_id: 'default',
    model: 'gpt-4o-mini',
    channel_id: 'acme-east',
    upstream_model: 'gpt-4o-mini',
    client_protocol: 'openai',
    dialect: 'openai',
    stream: true,
    status: 200,
    error_class: 'none',
    error_message: '',
    ttft_ms: 200,
    duration_ms: 1000,
    input_tokens: 100,
    output_tokens: 80,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    cache_write_1h_tokens: 0,
    reasoning_tokens: 0,
    usage_estimated: false,
    cost_usd: 0.001,
    price_usd: 0.002,
    final: true,
    ...overrides,
  };
}

export function temporaryDirectory(): { directory: string; dbPath: string; remove(): void } {
  const directory = mkdtempSync(path.join(tmpdir(), 'analytics-node-'));
  return {
    directory,
    dbPath: path.join(directory, 'analytics.duckdb'),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

export function ingestRequest(records: unknown, secret: string | null = TEST_SECRET): RequestInit {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== null) headers.authorization = `Bearer ${secret}`;
  return { method: 'POST', headers, body: typeof records === 'string' ? records : JSON.stringify({ records }) };
}
