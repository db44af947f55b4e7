// The log store behind the analytics node: one interface, two engines. DuckDB (an embedded
// file, the default) and ClickHouse (in-process through chdb, or a server / cluster) keep
// the same promises: an append is idempotent on (request_id, attempt) and on its batch id,
// window statistics come from the stored rows (every node's, when several share a store),
// and SQL passed to query / write uses DuckDB-style `$1, $2…` placeholders in either.
import type { DuckDBValue } from '@duckdb/node-api';
import type { LogRecord, WindowStats } from '../../worker/core/types';
import type { BodyOutcome } from '../ingest/ingest-group';

export type { BodyOutcome };

/** Which SQL the store speaks; dialect.ts renders the expressions that differ. */
export type StoreDialect = 'duckdb' | 'clickhouse';

/** A value bound to a `$n` placeholder. */
export type SqlValue = string | number | bigint | boolean | null;

/**
 * The values of a statement. DuckDB value arrays are accepted for the callers written
 * before the ClickHouse store; only primitives bind (anything else is refused at run time).
 */
export type BoundValues = readonly SqlValue[] | readonly DuckDBValue[];

/** A ClickHouse output format for an export: CSV with a header row, or Parquet. */
export type ExportStreamFormat = 'CSVWithNames' | 'Parquet';

export interface IngestResult {
  /** The records stored by this call, in input order (duplicates left out). */
  stored: LogRecord[];
  duplicates: number;
}

export interface LogStore {
  readonly dialect: StoreDialect;
  /**
   * Stores a batch once: a record whose (request_id, attempt) is already stored is a
   * duplicate, and a batch id seen before (a retried insert) stores nothing new. Records are
   * typed and not checked again (they come from this process).
   */
  append(batchId: string, records: readonly LogRecord[]): Promise<IngestResult>;
  /** `append` with a batch id derived from the records (SHA-256 of their JSON). */
  ingest(records: readonly LogRecord[]): Promise<IngestResult>;
  /**
   * Stores an /ingest body as text: parsed and checked (checkIngestBody), then its new
   * records stored, or nothing when it is invalid. Its batch id is the SHA-256 of the body.
   */
  ingestBody(body: string): Promise<BodyOutcome>;
  /**
   * Per channel × model, the attempts with fromMs <= ts_end < toMs, from the stored rows.
   * `in_flight` is Σ attempt time inside the last 10 s before toMs ÷ 10 s.
   */
  windowStats(fromMs: number, toMs: number): Promise<WindowStats[]>;
  /** Runs a read-only query; rows as JSON-friendly objects (64-bit integers may be strings: cast in SQL). */
  query<Row = Record<string, unknown>>(sql: string, values?: BoundValues): Promise<Row[]>;
  /**
   * ClickHouse only: the rows of a SELECT written by the engine in an output format (CSV with
   * names and NULL as an empty field, or zstd Parquet), as a byte stream. DuckDB has none: its
   * exports are written by `COPY … TO` a file (console/export-file.ts).
   */
  exportStream?(sql: string, values: BoundValues, format: ExportStreamFormat): Promise<ReadableStream<Uint8Array>>;
  /** Runs a statement that changes something (DDL, INSERT, UPDATE, DELETE). */
  write(sql: string, values?: BoundValues): Promise<void>;
  /** Rows in `log` as this process knows them (at open, plus what it stored since). */
  rowCount(): number;
  /** Waits for pending writes and makes them durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
