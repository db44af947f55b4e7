// The enumerations and bounds of an ingest record, shared by the zod schema (schemas.ts) and
// the hand-written check (record-check.ts) without pulling zod into the writer thread.
import type { DecisionRecord, ErrorClass, LogRecord } from '../../worker/core/types';

export const ERROR_CLASSES = [
  'none',
  'connection',
  'timeout',
  'rate_limit',
  'server',
  'client',
  'mid_stream',
  'cancelled',
] as const satisfies readonly ErrorClass[];

/** Bounds of a decision record (the worker keeps the 16 most probable candidates). */
export const DECISION_LIMITS = { candidates: 16, plan: 16, text: 256 } as const;
export const DECISION_RULES = ['sample', 'order', 'sort', 'none'] as const satisfies readonly DecisionRecord['rule'][];

/** A record's prompt-cache expectation and hedge role (issue 14); null or absent when unused. */
export const CACHE_STATES = ['warm', 'cold'] as const satisfies readonly NonNullable<LogRecord['cache_state']>[];
export const HEDGE_ROLES = ['primary', 'hedge'] as const satisfies readonly NonNullable<LogRecord['hedge']>[];
/** The longest conversation id stored (the worker sends a hex hash). */
export const MAX_CONVERSATION_LENGTH = 256;
