// Exports on both stores: DuckDB writes the file with COPY, ClickHouse streams its own output
// format (LogStore.exportStream). The same rows give the same CSV (a header row, NULL as an
// empty field) and a zstd Parquet file; on ClickHouse a record stored twice (two nodes) is
// exported once.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogStore } from '../log-store';
import { makeRecord, temporaryDirectory } from '../test-support';
import { exportResponse } from './export-file';
import { ADMIN_KEY, NOW, call, harness, signIn, signed, type Harness } from './test-harness';
import { chdbTestStore, directStore } from './test-store';

const temporary = temporaryDirectory();
const harnesses: Harness[] = [];
afterAll(async () => {
  for (const item of harnesses) await item.close();
  temporary.remove();
});

const STORES = { duckdb: directStore, chdb: chdbTestStore } as const;
const records = [
  makeRecord({ request_id: 'e-1', ts_start: NOW - 2_000, ts_end: NOW - 1_000, ttft_ms: null, error_class: 'server', status: 502, price_usd: 0 }),
  makeRecord({ request_id: 'e-2', ts_start: NOW - 1_500, ts_end: NOW - 500, ttft_ms: 120.5, price_usd: 0.25 }),
];
const SELECT = 'SELECT request_id, ttft_ms, price_usd, stream FROM log WHERE ts_start >= $1 ORDER BY request_id';

describe.each(Object.keys(STORES) as (keyof typeof STORES)[])('exports on %s', (engine) => {
  let store: LogStore;
  beforeAll(async () => {
    store = await STORES[engine](path.join(temporary.directory, `${engine}-export.duckdb`));
    await store.ingest(records);
  });
  afterAll(() => store.close());

  it('CSV: a header row, NULL as an empty field, the filter bound', async () => {
    const response = await exportResponse(store, SELECT, [NOW - 3_000], 'csv', 'attempts');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="attempts.csv"');
    const [header, ...lines] = (await response.text()).trim().split('\n').map((line) => line.replaceAll('"', '').split(','));
    expect(header).toEqual(['request_id', 'ttft_ms', 'price_usd', 'stream']);
    // Numbers as each engine spells them (DuckDB `0.0`, ClickHouse `0`): compared as numbers.
    expect(lines.map(([id, ttft, price, stream]) => [id, ttft === '' ? null : Number(ttft), Number(price), stream])).toEqual([
      ['e-1', null, 0, 'true'],
      ['e-2', 120.5, 0.25, 'true'],
    ]);
  });

  it('Parquet: zstd-compressed, the same rows', async () => {
    const response = await exportResponse(store, SELECT, [NOW - 3_000], 'parquet', 'attempts');
    const file = path.join(temporary.directory, `${engine}.parquet`);
    await writeFile(file, new Uint8Array(await response.arrayBuffer()));
    expect((await readFile(file)).subarray(0, 4).toString()).toBe('PAR1');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const codecs = (await connection.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${file}')`)).getRowObjectsJson();
      expect(codecs).toEqual([{ compression: 'ZSTD' }]);
      const rows = (await connection.runAndReadAll(`SELECT request_id, ttft_ms::DOUBLE AS ttft_ms, price_usd::DOUBLE AS price_usd FROM '${file}' ORDER BY request_id`)).getRowObjectsJson();
      expect(rows).toEqual([{ request_id: 'e-1', ttft_ms: null, price_usd: 0 }, { request_id: 'e-2', ttft_ms: 120.5, price_usd: 0.25 }]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("the operator's export lists a record stored twice (by two nodes, before a merge) once", async () => {
    const h = await harness(path.join(temporary.directory, `${engine}-console.duckdb`), STORES[engine]);
    harnesses.push(h);
    await h.store.ingest(records);
    // Another node's insert: its own token (chdb's session keeps the last insert's token set).
    if (engine === 'chdb') await h.store.write("INSERT INTO log SELECT * FROM log WHERE request_id = 'e-2' SETTINGS insert_deduplication_token = 'second-node'");
    const admin = await signed(await signIn(h.app, { kind: 'admin', admin_key: ADMIN_KEY }));
    const csv = await (await call(h.app, admin, 'GET', '/api/ops/log/export?format=csv')).text();
    expect(csv.trim().split('\n').slice(1).map((line) => line.split(',')[0]!.replaceAll('"', ''))).toEqual(['e-2', 'e-1']);
  });
});
