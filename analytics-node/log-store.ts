// The log store moved to store/ (one interface, DuckDB and ClickHouse behind it); this
// module keeps the old import path working.
export type { BoundValues, IngestResult, LogStore, SqlValue, StoreDialect } from './store/log-store';
export { openLogStore } from './store/open-store';
