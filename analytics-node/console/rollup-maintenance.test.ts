// When the rollups fold and merge: a fold is nine wide statements whatever the number of
// rows, so it runs about every FOLD_EVERY_MS (10 s), not per batch nor every second, and a
// merge at most once a minute, after a fold (docs/perf-notes-tail.md: a fold a second was the
// largest part of a co-located worker's latency tail).
import { describe, expect, it } from 'vitest';
import { FOLD_EVERY_MS, RollupMaintenance, type MaintenanceConnection } from './rollup-maintenance';

function recordingConnection() {
  const statements: string[] = [];
  const connection: MaintenanceConnection = {
    run: async (sql) => void statements.push(sql),
    column: async (sql) => {
      statements.push(sql);
      return [0];
    },
  };
  const folds = () => statements.filter((sql) => sql === 'DELETE FROM rollup_pending').length;
  const merges = () => statements.filter((sql) => sql.startsWith('CREATE OR REPLACE TEMP TABLE rollup_merged')).length;
  return { connection, folds, merges };
}

describe('RollupMaintenance', () => {
  it('folds at the first batch, then only when the last fold is FOLD_EVERY_MS old', async () => {
    expect(FOLD_EVERY_MS).toBe(10_000);
    let now = 1_000_000;
    const maintenance = new RollupMaintenance({ now: () => now });
    const { connection, folds } = recordingConnection();
    await maintenance.afterAppend(connection);
    expect(folds()).toBe(1);
    // A batch a second for 9 s: no fold.
    for (let second = 1; second < 10; second++) {
      now += 1_000;
      await maintenance.afterAppend(connection);
    }
    expect(folds()).toBe(1);
    now += 1_000;
    await maintenance.afterAppend(connection);
    expect(folds()).toBe(2);
  });

  it('merges the buckets it folded into at most once a minute, after a fold', async () => {
    let now = 0;
    const maintenance = new RollupMaintenance({ now: () => now });
    const { connection, merges } = recordingConnection();
    await maintenance.afterAppend(connection);
    const first = merges();
    expect(first).toBeGreaterThan(0);
    for (let step = 0; step < 5; step++) {
      now += FOLD_EVERY_MS;
      await maintenance.afterAppend(connection);
    }
    expect(merges()).toBe(first);
    now += FOLD_EVERY_MS;
    await maintenance.afterAppend(connection);
    expect(merges()).toBeGreaterThan(first);
  });

  it('folds at every batch when asked (the tests\' stores)', async () => {
    const maintenance = new RollupMaintenance({ foldEveryMs: 0, now: () => 5 });
    const { connection, folds } = recordingConnection();
    for (let batch = 0; batch < 3; batch++) await maintenance.afterAppend(connection);
    expect(folds()).toBe(3);
  });
});
