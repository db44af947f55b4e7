// The `decisions` table: the router's decision per request (the first attempt's record
// carries it), for the routing explorer. Kept out of `log` so the hot table stays narrow;
// written in the same transaction as the record that carried it, so it is stored exactly
// when that record is (idempotent on (request_id, attempt) like the log).
import type { DuckDBAppender } from '@duckdb/node-api';
import type { LogRecord } from '../../worker/core/types';

export const CREATE_DECISIONS_TABLE = `
CREATE TABLE IF NOT EXISTS decisions (
  request_id       VARCHAR NOT NULL,
  ts               BIGINT  NOT NULL,  -- the record's ts_start, epoch ms
  user_id          VARCHAR,
  key_id           VARCHAR,
  model            VARCHAR,
  mode             VARCHAR,
  rule             VARCHAR,
  temperature      DOUBLE,
  exploration      DOUBLE,
  weights          JSON,
  score_version    BIGINT,
  total_candidates INTEGER,
  candidates       JSON,
  plan             JSON,
  reason           VARCHAR
)`;

/** The fields of a record the decisions table keeps. */
export type DecisionSource = Pick<LogRecord, 'request_id' | 'ts_start' | 'user_id' | 'key_id' | 'model' | 'decision'>;

/** Appends the decision of a record that has one, in the column order of CREATE_DECISIONS_TABLE. */
export function appendDecision(appender: DuckDBAppender, record: DecisionSource): void {
  const decision = record.decision;
  if (decision === undefined) return;
  appender.appendVarchar(record.request_id);
  appender.appendBigInt(BigInt(record.ts_start));
  appender.appendVarchar(record.user_id);
  appender.appendVarchar(record.key_id);
  appender.appendVarchar(record.model);
  appender.appendVarchar(decision.mode);
  appender.appendVarchar(decision.rule);
  appender.appendDouble(decision.temperature);
  appender.appendDouble(decision.exploration);
  appender.appendVarchar(JSON.stringify(decision.weights));
  appender.appendBigInt(BigInt(decision.score_version));
  appender.appendInteger(decision.total_candidates);
  appender.appendVarchar(JSON.stringify(decision.candidates));
  appender.appendVarchar(JSON.stringify(decision.plan));
  appender.appendVarchar(decision.reason);
  appender.endRow();
}
