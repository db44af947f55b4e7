// The ledger alone over a real DuckDB file: each charged request in exactly one batch, a
// batch resent with the same id and contents until acknowledged, late records in the next
// batch, and a restart that resends what was never acknowledged.
import { afterEach, describe, expect, it } from 'vitest';
import { openLogStore, type LogStore } from './log-store';
import { createLedger, type LedgerBatchBody } from './ledger';
import { makeRecord, temporaryDirectory } from './test-support';
import type { ClusterRole } from './cluster/cluster-role';
import { leaderLedger } from './cluster/leader-work';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function openStore(dbPath?: string): Promise<{ store: LogStore; dbPath: string }> {
  const folder = dbPath ? null : temporaryDirectory();
  const path = dbPath ?? folder!.dbPath;
  const store = await openLogStore(path);
  cleanup.push(() => store.close());
  if (folder) cleanup.push(() => folder.remove());
  return { store, dbPath: path };
}

function recorder(answers: number[] = []) {
  const sent: LedgerBatchBody[] = [];
  const send = async (batch: LedgerBatchBody) => {
    sent.push(structuredClone(batch));
    const status = answers.shift() ?? 200;
    return { ok: status === 200, status };
  };
  return { sent, send };
}

describe('ledger', () => {
  it('charges each request once, from its final attempt, per user', async () => {
    const { store } = await openStore();
    await store.ingest([
      makeRecord({ request_id: 'a', attempt: 1, final: false, price_usd: 0, error_class: 'server' }),
      makeRecord({ request_id: 'a', attempt: 2, price_usd: 0.002 }),
      makeRecord({ request_id: 'b', user_id: 'user-2', price_usd: 0.0000015 }),
      makeRecord({ request_id: 'c', price_usd: 0, error_class: 'client' }),
    ]);
    const { sent, send } = recorder();
    const ledger = await createLedger({ store, send });
    expect(await ledger.run()).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(sent[0]!.debits).toEqual([
      { user_id: 'user-1', amount_nanousd: 2_000_000, request_ids: ['a'] },
      { user_id: 'user-2', amount_nanousd: 1_500, request_ids: ['b'] },
    ]);
    expect(await ledger.run()).toEqual({ sent: 0, failed: 0, pending: 0 });
    expect(await ledger.summary()).toEqual([
      { user_id: 'user-1', logged_nanousd: 2_000_000, batched_nanousd: 2_000_000, applied_nanousd: 2_000_000, requests: 1 },
      { user_id: 'user-2', logged_nanousd: 1_500, batched_nanousd: 1_500, applied_nanousd: 1_500, requests: 1 },
    ]);
  });

  it('resends a refused batch with the same id and contents; late records go in the next batch', async () => {
    const { store } = await openStore();
    await store.ingest([makeRecord({ request_id: 'x' })]);
    const { sent, send } = recorder([503, 0]);
    const ledger = await createLedger({ store, send });
    expect(await ledger.run()).toMatchObject({ sent: 0, failed: 1, pending: 1 });
    await store.ingest([makeRecord({ request_id: 'late', ts_end: 1 })]);
    expect(await ledger.run()).toMatchObject({ sent: 0, failed: 1, pending: 1 });
    expect(await ledger.run()).toMatchObject({ sent: 2, failed: 0, pending: 0 });
    expect(sent).toHaveLength(4);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[2]).toEqual(sent[0]);
    expect(sent[3]!.batch_id).not.toBe(sent[0]!.batch_id);
    expect(sent[3]!.debits[0]!.request_ids).toEqual(['late']);
  });

  it('after a restart, sends again what was never acknowledged', async () => {
    const folder = temporaryDirectory();
    cleanup.push(() => folder.remove());
    const first = await openLogStore(folder.dbPath);
    await first.ingest([makeRecord({ request_id: 'r1' })]);
    const down = recorder([0]);
    const before = await createLedger({ store: first, send: down.send });
    await before.run();
    await first.close();
    const { store } = await openStore(folder.dbPath);
    const up = recorder();
    const after = await createLedger({ store, send: up.send });
    expect(await after.run()).toMatchObject({ sent: 1, pending: 0 });
    expect(up.sent[0]).toEqual(down.sent[0]);
  });

  it('forms no batch once mayForm says no, and the cluster asks the lease right before forming', async () => {
    const { store } = await openStore();
    await store.ingest([makeRecord({ request_id: 'm1' })]);
    let allowed = false;
    const { sent, send } = recorder();
    const ledger = await createLedger({ store, send, mayForm: () => allowed });
    expect(await ledger.run()).toEqual({ sent: 0, failed: 0, pending: 0 });
    // A leader whose lease runs out between the run's check and the formation.
    let checks = 0;
    const role = { isLeader: () => allowed && checks++ === 0 } as ClusterRole;
    allowed = true;
    expect(await leaderLedger(ledger, role, 60).run()).toEqual({ sent: 0, failed: 0, pending: 0 });
    expect(sent).toEqual([]);
    expect(await ledger.run()).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(sent[0]!.debits[0]!.request_ids).toEqual(['m1']);
  });

  it('opens a ledger table made before formed_at existed and still resends its pending batch', async () => {
    const { store } = await openStore();
    await store.ingest([makeRecord({ request_id: 'old' }), makeRecord({ request_id: 'new', ts_end: 1_800_000_000_500 })]);
    await store.write(`CREATE TABLE ledger_entries (request_id VARCHAR NOT NULL, user_id VARCHAR NOT NULL, key_id VARCHAR NOT NULL,
      amount_nanousd BIGINT NOT NULL, ts_end BIGINT NOT NULL, batch_id VARCHAR NOT NULL)`);
    await store.write("INSERT INTO ledger_entries VALUES ('old', 'user-1', 'key-1', 2000000, 1800000000000, 'lb-old')");
    const { sent, send } = recorder();
    const ledger = await createLedger({ store, send });
    expect(await ledger.run()).toEqual({ sent: 2, failed: 0, pending: 0 });
    expect(sent.map((batch) => [batch.batch_id, batch.debits[0]!.request_ids])).toEqual([['lb-old', ['old']], [sent[1]!.batch_id, ['new']]]);
  });
});
