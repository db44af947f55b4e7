// The attempt-log filters shared by the log, histogram, tail, export and the user's request
// list: parsed strictly from the query string (zod), rendered as SQL with bound values only.
import type { DuckDBValue } from '@duckdb/node-api';
import { z } from 'zod';
import { ERROR_CLASSES } from '../schemas';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Epoch ms or an ISO date / date-time; a date-only `to` covers that whole day. */
export function instant(kind: 'from' | 'to') {
  return z.string().min(1).transform((value, context) => {
    const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(parsed)) {
      context.addIssue({ code: 'custom', message: 'expected epoch ms or an ISO date' });
      return z.NEVER;
    }
    return kind === 'to' && DATE_ONLY.test(value) ? parsed + DAY_MS : parsed;
  });
}

const id = z.string().min(1).max(256);
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const logFilterShape = {
  from: instant('from').optional(),
  to: instant('to').optional(),
  channel: id.optional(),
  model: id.optional(),
  user: id.optional(),
  key: id.optional(),
  status: z.union([z.enum(['ok', 'error']), z.string().regex(/^\d{1,3}$/).transform(Number)]).optional(),
  error_class: z.enum(ERROR_CLASSES).optional(),
  stream: flag.optional(),
  final: flag.optional(),
};
export const logFilterSchema = z.object(logFilterShape);
export type LogFilter = z.infer<typeof logFilterSchema>;

export interface SqlCondition {
  where: string;
  values: DuckDBValue[];
}

/** `WHERE …` over the log table's columns; `values` bind $1…$n (append more after them). */
export function filterSql(filter: LogFilter, values: DuckDBValue[] = []): SqlCondition {
  const conditions: string[] = [];
  const bind = (value: DuckDBValue) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filter.from !== undefined) conditions.push(`ts_start >= ${bind(Math.trunc(filter.from))}`);
  if (filter.to !== undefined) conditions.push(`ts_start < ${bind(Math.trunc(filter.to))}`);
  if (filter.channel !== undefined) conditions.push(`channel_id = ${bind(filter.channel)}`);
  if (filter.model !== undefined) conditions.push(`model = ${bind(filter.model)}`);
  if (filter.user !== undefined) conditions.push(`user_id = ${bind(filter.user)}`);
  if (filter.key !== undefined) conditions.push(`key_id = ${bind(filter.key)}`);
  if (filter.status === 'ok') conditions.push(`error_class = 'none'`);
  else if (filter.status === 'error') conditions.push(`error_class <> 'none'`);
  else if (typeof filter.status === 'number') conditions.push(`status = ${bind(filter.status)}`);
  if (filter.error_class !== undefined) conditions.push(`error_class = ${bind(filter.error_class)}`);
  if (filter.stream !== undefined) conditions.push(`stream = ${bind(filter.stream)}`);
  if (filter.final !== undefined) conditions.push(`final = ${bind(filter.final)}`);
  return { where: conditions.length === 0 ? 'TRUE' : conditions.join(' AND '), values };
}

/** Keyset cursor over (ts_start, request_id, attempt), newest first. */
export interface LogCursor {
  ts: number;
  request_id: string;
  attempt: number;
}

export function encodeCursor(cursor: LogCursor): string {
  return Buffer.from(JSON.stringify([cursor.ts, cursor.request_id, cursor.attempt])).toString('base64url');
}

export function decodeCursor(text: string | undefined): LogCursor | null {
  if (text === undefined || text.length > 1024) return null;
  try {
    const [ts, requestId, attempt] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof ts !== 'number' || typeof requestId !== 'string' || typeof attempt !== 'number') return null;
    return { ts, request_id: requestId, attempt };
  } catch {
    return null;
  }
}

/** Rows strictly older than the cursor in (ts_start DESC, request_id DESC, attempt DESC) order. */
export function beforeCursorSql(cursor: LogCursor, values: DuckDBValue[]): string {
  const bind = (value: DuckDBValue) => {
    values.push(value);
    return `$${values.length}`;
  };
  const ts = bind(Math.trunc(cursor.ts));
  const requestId = bind(cursor.request_id);
  const attempt = bind(cursor.attempt);
  return `(ts_start < ${ts} OR (ts_start = ${ts} AND (request_id < ${requestId} OR (request_id = ${requestId} AND attempt < ${attempt}))))`;
}

/**
 * The log's columns as JSON-friendly values (BIGINT epoch ms → DOUBLE), named one by one: a
 * store may keep columns of its own in the table (ClickHouse's version and batch columns).
 */
export const LOG_ROW_COLUMNS = [
  'request_id', 'attempt', 'key_id', 'user_id', 'group_id', 'model', 'channel_id', 'upstream_model', 'client_protocol',
  'dialect', 'stream', 'status', 'error_class', 'error_message', 'ttft_ms', 'duration_ms', 'input_tokens', 'output_tokens',
  'cached_input_tokens', 'reasoning_tokens', 'usage_estimated', 'cost_usd', 'price_usd', 'final', 'cache_write_tokens',
  'cache_write_1h_tokens', 'ts_start::DOUBLE AS ts_start', 'ts_end::DOUBLE AS ts_end',
].join(', ');
