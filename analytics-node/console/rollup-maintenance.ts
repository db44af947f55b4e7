// Keeps the rollups current from the writer connection, inside the ingest transaction that
// stored the records (so the log, the pending rows and the rollups always agree):
//  - every stored record is appended to `rollup_pending` with its log row;
//  - about every 10 s, pending rows are folded into the rollups (one aggregate INSERT per
//    table) and deleted: partial rows, exact, because every query sums rows;
//  - about once a minute, the buckets folded into since the last merge are merged back to
//    one row per key (a late record only touches its own bucket).
import { ROLLUP_TABLES, WIDTH, aggregate, type RollupTable } from './rollup-tables';

export interface MaintenanceConnection {
  run(sql: string): Promise<unknown>;
  /** The first column of every row. */
  column(sql: string): Promise<number[]>;
}

/**
 * How often pending rows are folded. A fold is about nine statements over wide aggregates:
 * 30–180 ms of the node's CPU whatever the number of rows (measured 2026-12-06 with ~100
 * records a second, docs/perf-notes-tail.md). Once a second, it was the largest part of the
 * latency tail of a worker sharing the node's cores; every 10 s it costs a tenth, and queries
 * read the pending rows raw meanwhile (at 1,000 records a second, 10,000 rows at most).
 */
export const FOLD_EVERY_MS = 10_000;

export interface RollupMaintenanceOptions {
  /** Fold pending rows when the last fold is this old (default FOLD_EVERY_MS; 0: at every batch). */
  foldEveryMs?: number;
  /** Merge partial rows when the last merge is this old (default 60 s; 0: at every fold). */
  mergeEveryMs?: number;
  now?: () => number;
}

export class RollupMaintenance {
  private lastFold = -Infinity;
  private lastMerge = -Infinity;
  /** Per bucket width: buckets folded into since the last merge. */
  private readonly touched = new Map<number, Set<number>>();
  private readonly foldEveryMs: number;
  private readonly mergeEveryMs: number;
  private readonly now: () => number;

  constructor(options: RollupMaintenanceOptions = {}) {
    this.foldEveryMs = options.foldEveryMs ?? FOLD_EVERY_MS;
    this.mergeEveryMs = options.mergeEveryMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** After a batch's rows went to `log` and `rollup_pending`, in the same transaction. */
  async afterAppend(connection: MaintenanceConnection): Promise<void> {
    const now = this.now();
    if (now - this.lastFold < this.foldEveryMs) return;
    this.lastFold = now;
    await this.fold(connection);
    if (now - this.lastMerge < this.mergeEveryMs) return;
    this.lastMerge = now;
    await this.merge(connection);
  }

  private async fold(connection: MaintenanceConnection): Promise<void> {
    for (const width of new Set(Object.values(WIDTH))) {
      const buckets = await connection.column(`SELECT DISTINCT (ts_start // ${width}) * ${width} FROM rollup_pending`);
      const set = this.touched.get(width) ?? new Set<number>();
      for (const bucket of buckets) set.add(bucket);
      this.touched.set(width, set);
    }
    for (const table of ROLLUP_TABLES) await connection.run(`INSERT INTO ${table.name} ${aggregate(table, 'rollup_pending')}`);
    await connection.run('DELETE FROM rollup_pending');
  }

  private async merge(connection: MaintenanceConnection): Promise<void> {
    for (const table of ROLLUP_TABLES) {
      const buckets = [...(this.touched.get(WIDTH[table.bucket]) ?? [])];
      if (buckets.length > 0) await mergeBuckets(connection, table, buckets);
    }
    this.touched.clear();
  }
}

/** Rewrites the given buckets of a rollup with one row per key (sums added, first/last kept). */
async function mergeBuckets(connection: MaintenanceConnection, table: RollupTable, buckets: number[]): Promise<void> {
  const keys = [table.bucket, ...table.keys.map(([name]) => name)];
  const sums = table.sums.map(([name]) => `sum(${name})::${table.sums.find(([column]) => column === name)![1]} AS ${name}`);
  const inList = `${table.bucket} IN (${buckets.map((bucket) => Math.trunc(bucket)).join(', ')})`;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE rollup_merged AS SELECT ${keys.join(', ')}, ${sums.join(', ')}, min(first_ts) AS first_ts, max(last_ts) AS last_ts
     FROM ${table.name} WHERE ${inList} GROUP BY ALL`,
  );
  await connection.run(`DELETE FROM ${table.name} WHERE ${inList}`);
  await connection.run(`INSERT INTO ${table.name} SELECT * FROM rollup_merged ORDER BY ${table.bucket}`);
  await connection.run('DROP TABLE rollup_merged');
}
