// The columnar form in which checked records cross to the writer thread: the main thread
// parses and checks a body once (it needs the records for the rollups anyway) and hands the
// writer columns, so the writer never parses text. Numbers and booleans travel as Float64Arrays
// moved without a copy (transfer list); strings as one array per column.
import type { DecisionRecord, LogRecord } from '../../worker/core/types';

/** Text columns of `log` (and of the tables filled from it), by LogRecord field name. */
export const STRING_FIELDS = [
  'request_id', 'key_id', 'user_id', 'group_id', 'model', 'channel_id', 'upstream_model', 'client_protocol',
  'dialect', 'error_class', 'error_message', 'conversation', 'cache_state', 'hedge',
] as const satisfies readonly (keyof LogRecord)[];

/** Numeric and boolean columns (a boolean is 1 or 0). */
export const NUMBER_FIELDS = [
  'attempt', 'ts_start', 'ts_end', 'stream', 'status', 'ttft_ms', 'duration_ms', 'input_tokens', 'output_tokens',
  'cached_input_tokens', 'reasoning_tokens', 'usage_estimated', 'cost_usd', 'price_usd', 'final',
  'cache_write_tokens', 'cache_write_1h_tokens',
] as const satisfies readonly (keyof LogRecord)[];

export interface RecordColumns {
  count: number;
  /**
   * NaN stands for NULL: only ttft_ms is nullable, and a checked record never holds NaN (the
   * check refuses it, as zod does), so the encoding is unambiguous for every body /ingest takes.
   */
  numbers: Record<(typeof NUMBER_FIELDS)[number], Float64Array>;
  /** null stands for NULL (absent optional fields too). */
  strings: Record<(typeof STRING_FIELDS)[number], (string | null)[]>;
  /** The rows that carry a router decision, and their decisions, in the same order. */
  decisionRows: number[];
  decisions: DecisionRecord[];
}

/** Columns of `records` (already checked, or typed records of this process). */
export function columnsOf(records: readonly LogRecord[]): RecordColumns {
  const count = records.length;
  const numbers = {} as RecordColumns['numbers'];
  const strings = {} as RecordColumns['strings'];
  for (const field of NUMBER_FIELDS) numbers[field] = new Float64Array(count);
  for (const field of STRING_FIELDS) strings[field] = new Array<string | null>(count);
  const decisionRows: number[] = [];
  const decisions: DecisionRecord[] = [];
  for (let row = 0; row < count; row++) {
    const record = records[row]!;
    for (const field of NUMBER_FIELDS) numbers[field][row] = numberOf(record[field]);
    for (const field of STRING_FIELDS) strings[field][row] = record[field] ?? null;
    if (record.decision !== undefined) {
      decisionRows.push(row);
      decisions.push(record.decision);
    }
  }
  return { count, numbers, strings, decisionRows, decisions };
}

/** The buffers to move (not copy) with a postMessage of `columns`. */
export function transferablesOf(columns: RecordColumns): ArrayBuffer[] {
  return Object.values(columns.numbers).map((column) => column.buffer as ArrayBuffer);
}

function numberOf(value: number | boolean | null | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  // Absent cache-write counts default to 0, as the schema's `.default(0)` does; null is NULL.
  return value === null ? Number.NaN : 0;
}
