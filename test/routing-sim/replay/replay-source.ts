// Where a replay reads the log: a running analytics node over HTTP (GET /replay/attempts and
// /replay/scores, admin key), or a DuckDB file directly (`--db PATH`; the node holds its file
// open, so only while it is stopped). Rows are checked on the way in either way.
import { DuckDBInstance } from '@duckdb/node-api';
import { z } from 'zod';
import { attemptPage, logColumns, scoreHistory, type ReplayAttemptRow, type ReplayCursor, type ReplayQuerier, type ScoreHistoryRow } from '../../../analytics-node/replay/replay-queries';

export interface ReplaySource {
  attempts(from: number, to: number): Promise<ReplayAttemptRow[]>;
  scores(from: number, to: number): Promise<ScoreHistoryRow[]>;
  close(): Promise<void>;
}

export class ReplaySourceError extends Error {}

const nullableNumber = z.number().nullable();
const nullableText = z.string().nullable();
const attemptSchema = z.object({
  request_id: z.string(), attempt: z.number().int().min(1), ts_start: z.number(), ts_end: z.number(), model: z.string(), channel_id: z.string(),
  dialect: z.string(), stream: z.boolean(), status: z.number(), error_class: z.string(), ttft_ms: nullableNumber, duration_ms: z.number().min(0),
  input_tokens: z.number().min(0), output_tokens: z.number().min(0), cached_input_tokens: z.number().min(0), cost_usd: z.number().min(0),
  price_usd: z.number().min(0), final: z.boolean(), conversation: nullableText, cache_state: nullableText, hedge: nullableText,
}) satisfies z.ZodType<ReplayAttemptRow>;
const scoreSchema = z.object({
  version: z.number(), computed_at: z.number(), channel_id: z.string(), model: z.string(), success_p: z.number(), ttft_p50_ms: nullableNumber,
  ttft_p95_ms: nullableNumber, tokens_per_s: nullableNumber, error_rate_limit: z.number(), error_server: z.number(), error_timeout: z.number(),
  error_connection: z.number(), samples: z.number(), last_ts: z.number(), down: z.boolean(),
}) satisfies z.ZodType<ScoreHistoryRow>;

export function httpSource(baseUrl: string, adminKey: string): ReplaySource {
  const get = async <T>(path: string, from: number, to: number, schema: z.ZodType<T>): Promise<T[]> => {
    const url = `${baseUrl.replace(/\/+$/, '')}${path}?from=${from}&to=${to}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${adminKey}` } });
    } catch (error) {
      throw new ReplaySourceError(`cannot reach the analytics node at ${baseUrl} (${(error as Error).message}); is it running? Or read a stopped node's file with --db PATH`);
    }
    if (response.status === 401) throw new ReplaySourceError(`the analytics node at ${baseUrl} refused the admin key (set ADMIN_KEY or --admin-key)`);
    if (response.status === 404) throw new ReplaySourceError(`the analytics node at ${baseUrl} has no ${path} (an older node?)`);
    if (!response.ok) throw new ReplaySourceError(`the analytics node answered ${response.status} to ${path}: ${(await response.text()).slice(0, 300)}`);
    return parseLines(await response.text(), schema, path);
  };
  return {
    attempts: (from, to) => get('/replay/attempts', from, to, attemptSchema),
    scores: (from, to) => get('/replay/scores', from, to, scoreSchema),
    close: async () => {},
  };
}

export async function duckdbSource(path: string): Promise<ReplaySource> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  } catch (error) {
    throw new ReplaySourceError(`cannot open ${path} read-only (${(error as Error).message}); while the analytics node runs, read it over HTTP instead`);
  }
  const connection = await instance.connect();
  const querier: ReplayQuerier = {
    async query<Row>(sql: string, values?: (string | number | boolean | null)[]) {
      const result = await connection.runAndReadAll(sql, values);
      return result.getRowObjectsJson() as Row[];
    },
  };
  return {
    async attempts(from, to) {
      const columns = await logColumns(querier);
      if (!columns.has('request_id')) throw new ReplaySourceError(`${path} has no log table`);
      const rows: ReplayAttemptRow[] = [];
      let cursor: ReplayCursor | null = null;
      do {
        const page = await attemptPage(querier, columns, from, to, cursor);
        rows.push(...page.rows);
        cursor = page.next;
      } while (cursor !== null);
      return rows;
    },
    scores: (from, to) => scoreHistory(querier, from, to),
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function parseLines<T>(text: string, schema: z.ZodType<T>, path: string): T[] {
  const rows: T[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ReplaySourceError(`${path}: line ${index + 1} is not JSON`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new ReplaySourceError(`${path}: line ${index + 1}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    rows.push(parsed.data);
  }
  return rows;
}
