// Messages between the node's main thread and the DuckDB writer thread (structured clone).
import type { BodyOutcome } from './ingest-group';
import type { RecordColumns } from './record-columns';

/** Values a statement may bind across the thread boundary: primitives survive a structured clone. */
export type StatementValue = string | number | bigint | boolean | null;

export type WriterRequest =
  /** Records already parsed and checked on the main thread, as columns. */
  | { id: number; kind: 'ingest'; columns: RecordColumns }
  | { id: number; kind: 'query' | 'write'; sql: string; values: StatementValue[] | undefined }
  | { id: number; kind: 'flush' | 'close' };

export type WriterReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };

/** The first message of the thread: the file is open (with its row count), or it failed. */
export type WriterStarted = { kind: 'started'; rows: number } | { kind: 'failed'; error: string };

export type IngestReply = BodyOutcome;
