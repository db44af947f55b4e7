// A store that takes records the route has already parsed and checked, so an /ingest body is
// parsed once on the node. The DuckDB store has it (its writer thread then gets columns, not
// text); a store without it is handed the body text (LogStore.ingestBody) as before.
import type { LogRecord } from '../../worker/core/types';
import type { LogStore } from '../store/log-store';
import type { BodyOutcome } from './ingest-group';

export interface CheckedIngest {
  /** Stores checked records once per (request_id, attempt); the outcome is always valid. */
  ingestChecked(records: readonly LogRecord[]): Promise<BodyOutcome>;
}

export function checkedIngestOf(store: LogStore): CheckedIngest | null {
  const candidate = store as LogStore & Partial<CheckedIngest>;
  return typeof candidate.ingestChecked === 'function' ? (candidate as CheckedIngest) : null;
}
