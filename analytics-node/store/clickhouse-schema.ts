// The ClickHouse tables behind the log store. `log` and `decisions` are ReplacingMergeTrees
// keyed on what makes a record unique, so a record stored twice (two nodes taking the same
// retried batch at once) collapses at the next merge, and FINAL reads it once before that.
// A repeated insert of one batch is dropped at once: inserts carry the batch id as
// insert_deduplication_token, remembered for the table's last 100 inserts
// (non_replicated_deduplication_window; replicated tables keep their own window in Keeper).
//
// In a cluster (`?cluster=NAME`): each table is created ON CLUSTER as a
// ReplicatedReplacingMergeTree `<name>_local` on every shard and replica, with a Distributed
// `<name>` over it sharded by cityHash64(request_id), so both copies of a record land on
// the same shard and FINAL still collapses them there.
//
// Columns follow the DuckDB table's names and order (log-table.ts), so `SELECT *` reads alike.

export interface ClickHouseLayout {
  /** A cluster name from the server's remote_servers; null for one server (or chdb). */
  cluster: string | null;
}

const LOG_COLUMNS = `
  request_id            String,
  attempt               Int32,
  ts_start              Int64,
  ts_end                Int64,
  key_id                String,
  user_id               String,
  group_id              String,
  model                 String,
  channel_id            String,
  upstream_model        String,
  client_protocol       LowCardinality(String),
  dialect               LowCardinality(String),
  stream                Bool,
  status                Int32,
  error_class           LowCardinality(String),
  error_message         String,
  ttft_ms               Nullable(Float64),
  duration_ms           Float64,
  input_tokens          Int32,
  output_tokens         Int32,
  cached_input_tokens   Int32,
  reasoning_tokens      Int32,
  usage_estimated       Bool,
  cost_usd              Float64,
  price_usd             Float64,
  final                 Bool,
  cache_write_tokens    Int32 DEFAULT 0,
  cache_write_1h_tokens Int32 DEFAULT 0,
  conversation          Nullable(String),
  cache_state           LowCardinality(Nullable(String)),
  hedge                 LowCardinality(Nullable(String)),
  -- Window reads filter on ts_end; the sort key is the record's identity.
  INDEX ts_end_range ts_end TYPE minmax GRANULARITY 1`;

const DECISION_COLUMNS = `
  request_id       String,
  ts               Int64,
  user_id          Nullable(String),
  key_id           Nullable(String),
  model            Nullable(String),
  mode             Nullable(String),
  rule             Nullable(String),
  temperature      Nullable(Float64),
  exploration      Nullable(Float64),
  weights          Nullable(String),  -- JSON text (DuckDB: JSON)
  score_version    Nullable(Int64),
  total_candidates Nullable(Int32),
  candidates       Nullable(String),  -- JSON text
  plan             Nullable(String),  -- JSON text
  reason           Nullable(String)`;

/** Columns added after a table was first created: no-ops on a table that has them. */
const MIGRATIONS: readonly string[] = [];

function table(name: string, columns: string, orderBy: string, partitionBy: string | null, layout: ClickHouseLayout): string[] {
  const partition = partitionBy === null ? '' : `PARTITION BY ${partitionBy}\n`;
  if (layout.cluster === null) {
    return [
      `CREATE TABLE IF NOT EXISTS ${name} (${columns}
) ENGINE = ReplacingMergeTree
${partition}ORDER BY ${orderBy}
SETTINGS non_replicated_deduplication_window = 100`,
    ];
  }
  const onCluster = `ON CLUSTER ${quoteIdentifier(layout.cluster)}`;
  return [
    `CREATE TABLE IF NOT EXISTS ${name}_local ${onCluster} (${columns}
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/${name}_local', '{replica}')
${partition}ORDER BY ${orderBy}`,
    `CREATE TABLE IF NOT EXISTS ${name} ${onCluster} AS ${name}_local
ENGINE = Distributed(${quoteIdentifier(layout.cluster)}, currentDatabase(), ${name}_local, cityHash64(request_id))`,
  ];
}

/** Every statement that creates or upgrades the store's tables, in order. */
export function clickHouseSchema(layout: ClickHouseLayout): string[] {
  return [
    // 30-day partitions on ts_end: a record's copies share it (same ts_end), old months drop whole.
    ...table('log', LOG_COLUMNS, '(request_id, attempt)', 'intDiv(ts_end, 2592000000)', layout),
    ...table('decisions', DECISION_COLUMNS, 'request_id', null, layout),
    ...MIGRATIONS,
  ];
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}
