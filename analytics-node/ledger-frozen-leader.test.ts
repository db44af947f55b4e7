// No double charge across a change of leader, on both stores. Two ledgers share one store:
// A, the old leader, "freezes" inside a batch formation (its SELECT saw the store before
// B's batches, its INSERT lands after them), as a leader paused past its lease can on
// ClickHouse, where the anti-join is not isolated from a concurrent insert. The fake D1
// below applies each batch id once and is NOT fenced: even with every send of the old
// leader accepted, each request must be charged exactly once and the totals must equal
// Σ charges in the log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '../worker/core/types';
import { createLedger, type LedgerBatchBody } from './ledger';
import { CREATE_LEDGER_TABLES, serverMicroseconds } from './ledger-sql';
import type { LogStore } from './log-store';
import { openLogStore } from './store/open-store';
import { makeRecord } from './test-support';

const folder = mkdtempSync(path.join(tmpdir(), 'ledger-frozen-'));
const chdbAvailable = await import('chdb').then(() => true, () => false);
const stores: LogStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  rmSync(folder, { recursive: true, force: true });
});

/** D1 as the worker keeps it: a batch id applies once; here it also counts charges per request. */
function fakeD1() {
  const applied = new Set<string>();
  const balances = new Map<string, number>();
  const charges = new Map<string, number>();
  const apply = (batch: LedgerBatchBody) => {
    if (applied.has(batch.batch_id)) return;
    applied.add(batch.batch_id);
    for (const debit of batch.debits) {
      balances.set(debit.user_id, (balances.get(debit.user_id) ?? 0) + debit.amount_nanousd);
      for (const request of debit.request_ids) charges.set(request, (charges.get(request) ?? 0) + 1);
    }
  };
  return { apply, balances, charges };
}

/** A sender that records what it was given and answers from a script (then 200). */
function sender(d1: ReturnType<typeof fakeD1>, script: number[] = []) {
  const sent: LedgerBatchBody[] = [];
  return {
    sent,
    script,
    send: async (batch: LedgerBatchBody) => {
      sent.push(structuredClone(batch));
      const status = script.shift() ?? 200;
      if (status === 200) d1.apply(batch);
      return { ok: status === 200, status };
    },
  };
}

/**
 * The old leader's view of the store: when armed, its next batch formation runs its SELECT
 * now into a side table, then waits; on release the rows land in ledger_entries with the
 * store's clock at landing (the formation's INSERT arriving late).
 */
function freezable(store: LogStore) {
  let armed: { table: string; captured: () => void; gate: Promise<void>; keepStamp: boolean } | null = null;
  let count = 0;
  const view: LogStore = {
    dialect: store.dialect,
    append: (batchId, records) => store.append(batchId, records),
    ingest: (records) => store.ingest(records),
    ingestBody: (body) => store.ingestBody(body),
    windowStats: (fromMs, toMs) => store.windowStats(fromMs, toMs),
    query: (sql, values) => store.query(sql, values),
    rowCount: () => store.rowCount(),
    flush: () => store.flush(),
    close: () => store.close(),
    async write(sql, values) {
      const freeze = armed;
      if (freeze === null || !sql.trimStart().startsWith('INSERT INTO ledger_entries (')) return store.write(sql, values);
      armed = null;
      await store.write(CREATE_LEDGER_TABLES[0]!.replace('ledger_entries', freeze.table));
      await store.write(sql.replace('INSERT INTO ledger_entries (', `INSERT INTO ${freeze.table} (`), values);
      freeze.captured();
      await freeze.gate;
      await store.write(
        `INSERT INTO ledger_entries (request_id, user_id, key_id, amount_nanousd, ts_end, batch_id, formed_at)
         SELECT request_id, user_id, key_id, amount_nanousd, ts_end, batch_id, ${freeze.keepStamp ? 'formed_at' : serverMicroseconds(store.dialect)} FROM ${freeze.table}`,
      );
    },
  };
  return {
    view,
    /**
     * Arms the next formation; resolves `captured` once its SELECT ran, lands on `release()`.
     * keepStamp: the rows keep the clock read when the statement started (ClickHouse reads
     * now64() once, at the start), so they rank BEFORE batches formed while it was frozen.
     */
    freeze(keepStamp = false) {
      count += 1;
      let release!: () => void;
      let captured!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const seen = new Promise<void>((resolve) => (captured = resolve));
      armed = { table: `frozen_entries_${count}`, captured, gate, keepStamp };
      return { captured: seen, release };
    },
  };
}

function charged(request: string, user: string, priceUsd: number): LogRecord {
  return makeRecord({ request_id: request, user_id: user, price_usd: priceUsd, ts_end: 1_800_000_000_000 + Number(request.slice(1)) });
}

describe.each([
  { engine: 'duckdb' as const, skip: false },
  { engine: 'chdb' as const, skip: !chdbAvailable },
])('the ledger through a frozen leader on $engine', ({ engine, skip }) => {
  it.skipIf(skip)('charges each request once and D1 totals equal Σ charges exactly', async () => {
    const store = await openLogStore(engine === 'duckdb' ? `duckdb:${path.join(folder, 'frozen.duckdb')}` : `chdb:${path.join(folder, 'chdb')}?database=ledger_frozen`);
    stores.push(store);
    const d1 = fakeD1();
    const old = freezable(store);
    const oldSender = sender(d1);
    const newSender = sender(d1, [503]);
    const oldLeader = await createLedger({ store: old.view, send: oldSender.send });
    const newLeader = await createLedger({ store, send: newSender.send, maxRequestsPerBatch: 2 });
    const records: LogRecord[] = [];
    const ingest = async (...more: LogRecord[]) => {
      records.push(...more);
      await store.ingest(more);
    };

    // The old leader's normal batch.
    await ingest(charged('r1', 'u1', 0.000_000_001_5), charged('r2', 'u2', 0.123_456_789_4));
    expect(await oldLeader.run()).toMatchObject({ sent: 1, failed: 0 });

    // It freezes mid-formation with r3..r7 in its SELECT; the new leader forms {r3, r4}
    // (its send is lost) before the old leader's rows land.
    await ingest(...['r3', 'r4', 'r5', 'r6', 'r7'].map((id, index) => charged(id, index % 2 ? 'u1' : 'u2', 0.000_777_777_7 * (index + 1))));
    const first = old.freeze();
    const frozenRun = oldLeader.run();
    await first.captured;
    expect(await newLeader.run()).toMatchObject({ sent: 0, failed: 1, pending: 1 });
    oldSender.script.push(409); // fenced from now on, as the worker would
    first.release();
    expect(await frozenRun).toMatchObject({ failed: 1 });
    // The new leader sends its own batch, then the old leader's late one without r3 and r4.
    expect(await newLeader.run()).toMatchObject({ sent: 2, failed: 0, pending: 0 });
    const late = newSender.sent.at(-1)!;
    expect(late.debits.flatMap((debit) => debit.request_ids).sort()).toEqual(['r5', 'r6', 'r7']);
    // Every send of the new leader's batch (lost, tried by the old leader under its stale
    // term, applied) had the same id and contents.
    const refused = oldSender.sent.at(-1)!;
    expect(newSender.sent.filter((batch) => batch.batch_id === refused.batch_id)).toEqual([refused, refused]);

    // Frozen again, wholly overtaken: its batch ends up empty, is never sent, and an
    // unfenced old leader (every send accepted) charges nothing twice.
    await ingest(charged('r8', 'u1', 0.01), charged('r9', 'u2', 0.000_000_000_4));
    const second = old.freeze();
    const secondRun = oldLeader.run();
    await second.captured;
    expect(await newLeader.run()).toMatchObject({ sent: 1, failed: 0, pending: 0 });
    const sentBefore = oldSender.sent.length;
    second.release();
    expect(await secondRun).toMatchObject({ sent: 0, failed: 0, pending: 0 });
    expect(oldSender.sent.length).toBe(sentBefore);
    expect(await newLeader.run()).toEqual({ sent: 0, failed: 0, pending: 0 });

    // Frozen inside the statement, stamped at its start: its rows rank first but land after
    // the new leader's overlapping batch was applied. They must not charge r10 and r11 again;
    // r12, which only it holds, is still charged once.
    await ingest(charged('r10', 'u1', 0.02), charged('r11', 'u2', 0.03));
    const third = old.freeze(true);
    const thirdRun = oldLeader.run();
    await third.captured;
    expect(await newLeader.run()).toMatchObject({ sent: 1, failed: 0, pending: 0 });
    await ingest(charged('r12', 'u1', 0.04));
    third.release();
    await thirdRun;
    expect(await newLeader.run()).toMatchObject({ failed: 0, pending: 0 });

    // Exactly once per request, totals equal to the nano-dollar.
    const expected = new Map<string, number>();
    for (const record of records) expected.set(record.user_id, (expected.get(record.user_id) ?? 0) + Math.round(record.price_usd * 1e9));
    expect([...d1.charges.keys()].sort()).toEqual(records.filter((record) => record.price_usd > 0).map((record) => record.request_id).sort());
    expect([...d1.charges.values()].every((times) => times === 1)).toBe(true);
    expect(Object.fromEntries(d1.balances)).toEqual(Object.fromEntries(expected));
    for (const row of await newLeader.summary()) {
      expect(row.batched_nanousd).toBe(expected.get(row.user_id));
      expect(row.applied_nanousd).toBe(expected.get(row.user_id));
      expect(row.logged_nanousd).toBe(expected.get(row.user_id));
    }
  }, 60_000);
});
