// Writer side of /ingest: a group of checked batches in columns (every batch that arrived
// while the previous group was being written) is deduplicated and appended in one
// transaction. Grouping amortises the statements and the WAL commit over many batches; a
// group behaves exactly as its batches applied one after another, in arrival order.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LogRecord } from '../../worker/core/types';
import { appendDecision } from './decision-table';
import { RollupMaintenance, type MaintenanceConnection } from '../console/rollup-maintenance';
import { appendColumns, tablePlan, type TablePlan } from './chunk-append';
import { checkIngestBody } from './record-check';
import type { RecordColumns } from './record-columns';

export type BodyOutcome =
  | { valid: false }
  /** `stored`: indexes of the stored records, or null when every record was stored. */
  | { valid: true; stored: number[] | null; storedCount: number; duplicates: number };

/** Parses and checks a body (JSON.parse, then checkIngestBody): its records, or null when refused. */
export function recordsOf(body: string): LogRecord[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  return checkIngestBody(parsed);
}

/** Per batch of the group: the rows to store, in order. */
type Selection = number[][];

/**
 * Idempotent on (request_id, attempt) without a primary key: a replayed record is the same
 * record, so its twin in `log` has the same ts_end and lies inside this group's ts_end
 * range. The range scan is pruned by DuckDB's per-row-group min/max (rows arrive roughly in
 * time order), so its cost follows the group, not the table. Writes are serialised on this
 * thread, so no two groups race past the check. (A primary key made each batch ~5× slower.)
 */
export async function ingestGroup(connection: DuckDBConnection, batches: readonly RecordColumns[]): Promise<BodyOutcome[]> {
  const seen = new Set<string>();
  const candidates: Selection = batches.map(() => []);
  let minTs = Infinity;
  let maxTs = -Infinity;
  let candidateCount = 0;
  batches.forEach((columns, batch) => {
    const requestIds = columns.strings.request_id;
    const attempts = columns.numbers.attempt;
    const ends = columns.numbers.ts_end;
    for (let row = 0; row < columns.count; row++) {
      const key = keyOf(requestIds[row]!, attempts[row]!);
      if (seen.has(key)) continue;
      seen.add(key);
      candidates[batch]!.push(row);
      candidateCount += 1;
      const end = ends[row]!;
      if (end < minTs) minTs = end;
      if (end > maxTs) maxTs = end;
    }
  });

  const existing = candidateCount === 0 ? new Set<string>() : await existingKeys(connection, batches, candidates, minTs, maxTs);
  const stored =
    existing.size === 0
      ? candidates
      : candidates.map((rows, batch) => rows.filter((row) => !existing.has(keyOf(batches[batch]!.strings.request_id[row]!, batches[batch]!.numbers.attempt[row]!))));
  if (stored.some((rows) => rows.length > 0)) await appendAll(connection, batches, stored);
  return outcomes(batches, stored);
}

async function existingKeys(connection: DuckDBConnection, batches: readonly RecordColumns[], candidates: Selection, minTs: number, maxTs: number): Promise<Set<string>> {
  const plan = (await plansOf(connection)).incomingKeys;
  const keys = await connection.createAppender('incoming_keys', 'main', 'temp');
  batches.forEach((columns, batch) => appendColumns(keys, plan, columns, candidates[batch]!));
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
async function appendAll(connection: DuckDBConnection, batches: readonly RecordColumns[], stored: Selection): Promise<void> {
  const plans = await plansOf(connection);
  await connection.run('BEGIN TRANSACTION');
  try {
    const log = await connection.createAppender('log');
    batches.forEach((columns, batch) => appendColumns(log, plans.log, columns, stored[batch]!));
    log.closeSync();
    // The same records wait in rollup_pending for the console's rollups (replays were dropped
    // above); its columns are log columns, so they are filled by name from the same columns.
    const pending = await connection.createAppender('rollup_pending');
    batches.forEach((columns, batch) => appendColumns(pending, plans.pending, columns, stored[batch]!));
    pending.closeSync();
    if (batches.some((columns) => columns.decisionRows.length > 0)) {
      const decisions = await connection.createAppender('decisions');
      batches.forEach((columns, batch) => appendDecisions(decisions, columns, stored[batch]!));
      decisions.closeSync();
    }
    await maintenanceOf(connection).afterAppend(maintenanceConnection(connection));
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

/** The decisions of the stored rows that carry one, in row order. */
function appendDecisions(appender: Parameters<typeof appendDecision>[0], columns: RecordColumns, stored: readonly number[]): void {
  if (columns.decisionRows.length === 0) return;
  const storedRows = new Set(stored);
  columns.decisionRows.forEach((row, index) => {
    if (!storedRows.has(row)) return;
    const { strings, numbers } = columns;
    appendDecision(appender, {
      request_id: strings.request_id[row]!,
      ts_start: numbers.ts_start[row]!,
      user_id: strings.user_id[row]!,
      key_id: strings.key_id[row]!,
      model: strings.model[row]!,
      decision: columns.decisions[index],
    });
  });
}

function outcomes(batches: readonly RecordColumns[], stored: Selection): BodyOutcome[] {
  return batches.map((columns, batch): BodyOutcome => {
    const mine = stored[batch]!;
    return { valid: true, stored: mine.length === columns.count ? null : mine, storedCount: mine.length, duplicates: columns.count - mine.length };
  });
}

interface Plans {
  log: TablePlan;
  pending: TablePlan;
  incomingKeys: TablePlan;
}

const plans = new WeakMap<DuckDBConnection, Promise<Plans>>();

/** The three tables' columns, read once per connection (the tables are created before any ingest). */
function plansOf(connection: DuckDBConnection): Promise<Plans> {
  let found = plans.get(connection);
  if (found === undefined) {
    found = (async () => ({
      log: await tablePlan(connection, 'log'),
      pending: await tablePlan(connection, 'rollup_pending'),
      incomingKeys: await tablePlan(connection, 'incoming_keys'),
    }))();
    plans.set(connection, found);
  }
  return found;
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
