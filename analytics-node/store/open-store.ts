// Opens the log store ANALYTICS_STORE names (store-spec.ts). DuckDB stays the default with
// nothing to configure; the ClickHouse store is loaded only when asked for.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openDuckDbStore } from './duckdb-store';
import type { LogStore } from './log-store';
import { parseStoreSpec, type StoreSpec } from './store-spec';

/** A spec, a spec's text (`chdb:…`), or a bare path (a DuckDB file, as before ANALYTICS_STORE). */
export async function openLogStore(target: StoreSpec | string): Promise<LogStore> {
  const spec = typeof target === 'string' ? specOfText(target) : target;
  if (spec.kind === 'duckdb') return openDuckDbStore(spec.path);
  if (spec.kind === 'chdb') mkdirSync(path.resolve(spec.path), { recursive: true });
  const { openClickHouseStore } = await import('./clickhouse-store');
  return openClickHouseStore(spec);
}

function specOfText(text: string): StoreSpec {
  if (!/^(duckdb|chdb):|^clickhouses?:\/\//.test(text)) return { kind: 'duckdb', path: text };
  const parsed = parseStoreSpec(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
