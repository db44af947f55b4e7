// Writer side of /ingest: a group of request bodies (every batch that arrived while the
// previous group was being written) is parsed, checked, deduplicated and appended in one
// transaction. Grouping amortises the statements and the WAL commit over many batches; a
// group behaves exactly as its batches applied one after another, in arrival order.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogRecord } from '../../worker/core/types';
import { appendLogRecord } from '../log-table';
import { appendDecision } from './decision-table';
import { RollupMaintenance, type MaintenanceConnection } from '../console/rollup-maintenance';
import { appendPendingRecord } from '../console/rollup-tables';
import { checkIngestBody } from './record-check';

export type BodyOutcome =
  | { valid: false }
  /** `stored`: indexes of the stored records, or null when every record was stored. */
  | { valid: true; stored: number[] | null; storedCount: number; duplicates: number };

/** A body as text; `trusted` bodies come from LogStore.ingest (typed records, not checked: as before). */
export interface GroupBody {
  body: string;
  trusted: boolean;
}

/** Parses and checks a body the way the route does (JSON.parse, then checkIngestBody). */
export function recordsOf(body: string, trusted = false): LogRecord[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  return trusted ? (parsed as { records: LogRecord[] }).records : checkIngestBody(parsed);
}

interface Candidate {
  body: number;
  index: number;
  record: LogRecord;
}

/**
 * Idempotent on (request_id, attempt) without a primary key: a replayed record is the same
 * record, so its twin in `log` has the same ts_end and lies inside this group's ts_end
 * range. The range scan is pruned by DuckDB's per-row-group min/max (rows arrive roughly in
 * time order), so its cost follows the group, not the table. Writes are serialised on this
 * thread, so no two groups race past the check. (A primary key made each batch ~5× slower.)
 */
export async function ingestGroup(connection: DuckDBConnection, bodies: readonly GroupBody[]): Promise<BodyOutcome[]> {
  const parsed = bodies.map(({ body, trusted }) => recordsOf(body, trusted));
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  let minTs = Infinity;
  let maxTs = -Infinity;
  parsed.forEach((records, body) => {
    if (records === null) return;
    records.forEach((record, index) => {
      const key = keyOf(record.request_id, record.attempt);
      if (seen.has(key)) return;
      seen.add(key);
      candidates.push({ body, index, record });
      if (record.ts_end < minTs) minTs = record.ts_end;
      if (record.ts_end > maxTs) maxTs = record.ts_end;
    });
  });

  const existing = candidates.length === 0 ? new Set<string>() : await existingKeys(connection, candidates, minTs, maxTs);
  const stored = existing.size === 0 ? candidates : candidates.filter((entry) => !existing.has(keyOf(entry.record.request_id, entry.record.attempt)));
  if (stored.length > 0) await appendAll(connection, stored);
  return outcomes(parsed, stored);
}

async function existingKeys(connection: DuckDBConnection, candidates: readonly Candidate[], minTs: number, maxTs: number): Promise<Set<string>> {
  const keys = await connection.createAppender('incoming_keys', 'main', 'temp');
  for (const { record } of candidates) {
    keys.appendVarchar(record.request_id);
    keys.appendInteger(record.attempt);
    keys.endRow();
  }
  keys.closeSync();
  try {
    // minTs and maxTs are checked integers: inlined so the scan filter is a constant.
    const found = await connection.runAndReadAll(
      `SELECT k.request_id, k.attempt FROM incoming_keys k SEMI JOIN (
         SELECT request_id, attempt FROM log WHERE ts_end BETWEEN ${Math.trunc(minTs)} AND ${Math.trunc(maxTs)}
       ) l ON l.request_id = k.request_id AND l.attempt = k.attempt`,
    );
    return new Set(found.getRowsJson().map(([requestId, attempt]) => keyOf(String(requestId), Number(attempt))));
  } finally {
    await connection.run('DELETE FROM incoming_keys');
  }
}

/** The log rows, their decisions and the console's rollups, in one transaction: all or nothing. */
async function appendAll(connection: DuckDBConnection, stored: readonly Candidate[]): Promise<void> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const log = await connection.createAppender('log');
    for (const { record } of stored) appendLogRecord(log, record);
    log.closeSync();
    // The same records wait in rollup_pending for the console's rollups (replays were dropped above).
    const pending = await connection.createAppender('rollup_pending');
    for (const { record } of stored) appendPendingRecord(pending, record);
    pending.closeSync();
    if (stored.some(({ record }) => record.decision !== undefined)) {
      const decisions = await connection.createAppender('decisions');
      for (const { record } of stored) appendDecision(decisions, record);
      decisions.closeSync();
    }
    await maintenanceOf(connection).afterAppend(maintenanceConnection(connection));
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

function outcomes(parsed: ReadonlyArray<LogRecord[] | null>, stored: readonly Candidate[]): BodyOutcome[] {
  const indexes: number[][] = parsed.map(() => []);
  for (const { body, index } of stored) indexes[body]!.push(index);
  return parsed.map((records, body): BodyOutcome => {
    if (records === null) return { valid: false };
    const mine = indexes[body]!;
    return {
      valid: true,
      stored: mine.length === records.length ? null : mine,
      storedCount: mine.length,
      duplicates: records.length - mine.length,
    };
  });
}

const maintenance = new WeakMap<DuckDBConnection, RollupMaintenance>();

/** One maintenance state per writer connection (there is one, on the writer thread). */
function maintenanceOf(connection: DuckDBConnection): RollupMaintenance {
  let found = maintenance.get(connection);
  if (found === undefined) maintenance.set(connection, (found = new RollupMaintenance()));
  return found;
}

export function maintenanceConnection(connection: DuckDBConnection): MaintenanceConnection {
  return {
    run: (sql) => connection.run(sql),
    column: async (sql) => (await connection.runAndReadAll(sql)).getRowsJson().map((row) => Number(row[0])),
  };
}

function keyOf(requestId: string, attempt: number): string {
  return `${attempt}:${requestId}`;
}
