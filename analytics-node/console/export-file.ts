// CSV and Parquet exports written by the engine itself. DuckDB: COPY … TO a temporary file,
// then streamed and deleted; COPY takes no bound parameters, so the filter's values are
// inlined as SQL literals here, from already-validated filters: numbers must be finite,
// strings are quoted with '' doubled. ClickHouse: the store streams the output format
// (LogStore.exportStream) with the values bound as query parameters.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { DuckDBValue } from '@duckdb/node-api';
import type { LogStore } from '../log-store';
import { withConsoleSettings } from './console-sql';

export type ExportFormat = 'csv' | 'parquet';

export function sqlLiteral(value: DuckDBValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite number in an export filter');
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (value === null) return 'NULL';
  throw new Error('unsupported value in an export filter');
}

/** Replaces $1…$n with literals (highest first, so $1 never eats the front of $10). */
export function inlineValues(sql: string, values: readonly DuckDBValue[]): string {
  let text = sql;
  for (let index = values.length; index >= 1; index--) text = text.replaceAll(`$${index}`, sqlLiteral(values[index - 1]!));
  return text;
}

const HEADERS = (format: ExportFormat, name: string) => ({
  'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.apache.parquet',
  'content-disposition': `attachment; filename="${name}.${format}"`,
  'cache-control': 'no-store',
});

export async function exportResponse(store: LogStore, select: string, values: readonly DuckDBValue[], format: ExportFormat, name: string): Promise<Response> {
  // ClickHouse writes the file format itself and the store streams it (no temporary file).
  if (store.exportStream !== undefined) {
    const body = await store.exportStream(withConsoleSettings(store, select), values, format === 'csv' ? 'CSVWithNames' : 'Parquet');
    return new Response(body, { headers: HEADERS(format, name) });
  }
  const directory = await mkdtemp(path.join(tmpdir(), 'switchboard-export-'));
  const file = path.join(directory, `export.${format}`);
  const options = format === 'csv' ? '(FORMAT csv, HEADER true)' : '(FORMAT parquet, COMPRESSION zstd)';
  try {
    await store.query(`COPY (${inlineValues(select, values)}) TO ${sqlLiteral(file)} ${options}`);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const stream = createReadStream(file);
  const cleanup = () => void rm(directory, { recursive: true, force: true });
  stream.once('close', cleanup);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: HEADERS(format, name),
  });
}
