// What a replay of logged traffic reads (test/routing-sim/replay, docs/routing-replay.md): the
// attempts of a time window, page by page in a stable order, and the score history the real
// router was pushed. Plain SQL over `query(sql, values)`, so the node's route and the
// simulator's `--db FILE` reader run the very same statements.

/** Anything that answers SQL with `$1…` placeholders: the node's LogStore, or a DuckDB connection. */
export interface ReplayQuerier {
  query<Row = Record<string, unknown>>(sql: string, values?: (string | number | boolean | null)[]): Promise<Row[]>;
}

/** One logged attempt as the replay needs it (money and tokens, no user or key). */
export interface ReplayAttemptRow {
  request_id: string;
  attempt: number;
  ts_start: number;
  ts_end: number;
  model: string;
  channel_id: string;
  dialect: string;
  stream: boolean;
  status: number;
  error_class: string;
  ttft_ms: number | null;
  duration_ms: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
  price_usd: number;
  final: boolean;
  conversation: string | null;
  cache_state: string | null;
  hedge: string | null;
}

/** Keyset position after the last row of a page. */
export interface ReplayCursor {
  ts_start: number;
  request_id: string;
  attempt: number;
}

export const REPLAY_PAGE_ROWS = 5_000;

/** Columns added for issue 14: selected when the log table has them, NULL before. */
const OPTIONAL_COLUMNS = ['conversation', 'cache_state', 'hedge'] as const;

export async function logColumns(querier: ReplayQuerier): Promise<Set<string>> {
  const rows = await querier.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'log'`,
  );
  return new Set(rows.map((row) => String(row.name)));
}

export async function attemptPage(
  querier: ReplayQuerier,
  columns: ReadonlySet<string>,
  fromMs: number,
  toMs: number,
  after: ReplayCursor | null,
  limit = REPLAY_PAGE_ROWS,
): Promise<{ rows: ReplayAttemptRow[]; next: ReplayCursor | null }> {
  const optional = OPTIONAL_COLUMNS.map((name) => (columns.has(name) ? `${name}` : `NULL AS ${name}`)).join(', ');
  const values: (string | number)[] = [fromMs, toMs];
  let keyset = '';
  if (after !== null) {
    values.push(after.ts_start, after.request_id, after.attempt);
    keyset = ' AND (ts_start > $3 OR (ts_start = $3 AND (request_id > $4 OR (request_id = $4 AND attempt > $5))))';
  }
  const raw = await querier.query<Record<string, unknown>>(
    `SELECT request_id, attempt, ts_start::DOUBLE AS ts_start, ts_end::DOUBLE AS ts_end, model, channel_id, dialect, stream,
            status, error_class, ttft_ms, duration_ms, input_tokens, output_tokens, cached_input_tokens,
            cost_usd::DOUBLE AS cost_usd, price_usd::DOUBLE AS price_usd, final, ${optional}
       FROM log
      WHERE ts_start >= $1 AND ts_start < $2${keyset}
      ORDER BY ts_start, request_id, attempt
      LIMIT ${Math.max(1, Math.floor(limit))}`,
    values,
  );
  const rows = raw.map(attemptRow);
  const last = rows.at(-1);
  const next = last !== undefined && rows.length >= limit ? { ts_start: last.ts_start, request_id: last.request_id, attempt: last.attempt } : null;
  return { rows, next };
}

/** One pushed score as score_history keeps it. */
export interface ScoreHistoryRow {
  version: number;
  computed_at: number;
  channel_id: string;
  model: string;
  success_p: number;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  tokens_per_s: number | null;
  error_rate_limit: number;
  error_server: number;
  error_timeout: number;
  error_connection: number;
  samples: number;
  last_ts: number;
  down: boolean;
}

/**
 * The recomputes inside the window and the last one before it (what the router held when the
 * window opened). Empty when the node keeps no score history.
 */
export async function scoreHistory(querier: ReplayQuerier, fromMs: number, toMs: number): Promise<ScoreHistoryRow[]> {
  const exists = await querier.query<{ n: number }>(
    `SELECT count(*)::DOUBLE AS n FROM information_schema.tables WHERE table_name = 'score_history'`,
  );
  if (Number(exists[0]?.n ?? 0) === 0) return [];
  const raw = await querier.query<Record<string, unknown>>(
    `SELECT version::DOUBLE AS version, computed_at::DOUBLE AS computed_at, channel_id, model, success_p, ttft_p50_ms,
            ttft_p95_ms, tokens_per_s, error_rate_limit, error_server, error_timeout, error_connection,
            samples, last_ts::DOUBLE AS last_ts, down
       FROM score_history
      WHERE computed_at < $2
        AND computed_at >= coalesce((SELECT max(computed_at) FROM score_history WHERE computed_at <= $1), $1)
      ORDER BY computed_at, channel_id, model
      LIMIT 200000`,
    [fromMs, toMs],
  );
  return raw.map((row) => ({
    version: Number(row.version),
    computed_at: Number(row.computed_at),
    channel_id: String(row.channel_id),
    model: String(row.model),
    success_p: Number(row.success_p),
    ttft_p50_ms: numberOrNull(row.ttft_p50_ms),
    ttft_p95_ms: numberOrNull(row.ttft_p95_ms),
    tokens_per_s: numberOrNull(row.tokens_per_s),
    error_rate_limit: Number(row.error_rate_limit),
    error_server: Number(row.error_server),
    error_timeout: Number(row.error_timeout),
    error_connection: Number(row.error_connection),
    samples: Number(row.samples),
    last_ts: Number(row.last_ts),
    down: Boolean(row.down),
  }));
}

function attemptRow(row: Record<string, unknown>): ReplayAttemptRow {
  return {
    request_id: String(row.request_id),
    attempt: Number(row.attempt),
    ts_start: Number(row.ts_start),
    ts_end: Number(row.ts_end),
    model: String(row.model),
    channel_id: String(row.channel_id),
    dialect: String(row.dialect),
    stream: Boolean(row.stream),
    status: Number(row.status),
    error_class: String(row.error_class),
    ttft_ms: numberOrNull(row.ttft_ms),
    duration_ms: Number(row.duration_ms),
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
    cached_input_tokens: Number(row.cached_input_tokens),
    cost_usd: Number(row.cost_usd),
    price_usd: Number(row.price_usd),
    final: Boolean(row.final),
    conversation: stringOrNull(row.conversation),
    cache_state: stringOrNull(row.cache_state),
    hedge: stringOrNull(row.hedge),
  };
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function stringOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
