// What the analytics node reads from the wire, validated strictly (zod 4).
import { z } from 'zod';
import { PROTOCOLS, type DecisionRecord, type LogRecord } from '../worker/core/types';
import { CACHE_STATES, DECISION_LIMITS, DECISION_RULES, ERROR_CLASSES, HEDGE_ROLES } from './ingest/record-limits';

export { CACHE_STATES, DECISION_LIMITS, DECISION_RULES, ERROR_CLASSES, HEDGE_ROLES };

const identifier = z.string().min(1).max(256);
const count = z.number().int().min(0).max(2_147_483_647);
const epochMs = z.number().int().min(0).max(8_640_000_000_000);
const duration = z.number().min(0).max(1e9);
const dollars = z.number().min(0).max(1e9);


const text = z.string().max(DECISION_LIMITS.text);
const finite = z.number();
const probability = z.number().min(0).max(1);

export const decisionCandidateSchema = z.object({
  channel_id: identifier,
  model: identifier,
  components: z
    .object({ margin: finite, ttft: finite, throughput: finite, reliability: finite, load: finite, affinity: finite.optional() })
    .optional(),
  utility: finite,
  probability,
  rejected: text.optional(),
});

export const decisionSchema = z.object({
  mode: text,
  rule: z.enum(DECISION_RULES),
  temperature: finite,
  exploration: finite,
  weights: z.object({ margin: finite, ttft: finite, throughput: finite, reliability: finite }),
  score_version: z.number().int().min(0),
  total_candidates: count,
  candidates: z.array(decisionCandidateSchema).max(DECISION_LIMITS.candidates),
  plan: z.array(text).max(DECISION_LIMITS.plan),
  reason: text,
}) satisfies z.ZodType<DecisionRecord>;

export const logRecordSchema = z.object({
  request_id: identifier,
  attempt: z.number().int().min(1).max(1000),
  ts_start: epochMs,
  ts_end: epochMs,
  key_id: z.string().max(256),
  user_id: z.string().max(256),
  group_id: z.string().max(256),
  model: identifier,
  channel_id: identifier,
  upstream_model: z.string().max(256),
  client_protocol: z.enum(PROTOCOLS as readonly [LogRecord['client_protocol'], ...LogRecord['client_protocol'][]]),
  dialect: z.enum(PROTOCOLS as readonly [LogRecord['dialect'], ...LogRecord['dialect'][]]),
  stream: z.boolean(),
  status: z.number().int().min(0).max(999),
  error_class: z.enum(ERROR_CLASSES),
  error_message: z.string().max(2000),
  ttft_ms: duration.nullable(),
  duration_ms: duration,
  input_tokens: count,
  output_tokens: count,
  cached_input_tokens: count,
  // Absent from workers older than cache-write metering: they wrote nothing to a cache we knew of.
  cache_write_tokens: count.default(0),
  cache_write_1h_tokens: count.default(0),
  reasoning_tokens: count,
  usage_estimated: z.boolean(),
  cost_usd: dollars,
  price_usd: dollars,
  final: z.boolean(),
  // The first attempt's record only; absent from workers older than the routing explorer.
  decision: decisionSchema.optional(),
  // Prompt-cache affinity and hedging (issue 14); absent from older workers, null when unused.
  conversation: z.string().max(256).nullable().optional(),
  cache_state: z.enum(CACHE_STATES).nullable().optional(),
  hedge: z.enum(HEDGE_ROLES).nullable().optional(),
}) satisfies z.ZodType<LogRecord>;

export const ingestBodySchema = z.object({ records: z.array(logRecordSchema) });

export const statsQuerySchema = z.object({
  window: z.coerce.number().int().min(1).max(86_400).default(60),
});

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Epoch ms, or an ISO date / date-time. A date-only `to` covers that whole day. */
function instant(kind: 'from' | 'to') {
  return z
    .string()
    .min(1)
    .transform((value, context) => {
      const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (!Number.isFinite(parsed)) {
        context.addIssue({ code: 'custom', message: 'expected epoch ms or an ISO date' });
        return z.NEVER;
      }
      return kind === 'to' && DATE_ONLY.test(value) ? parsed + DAY_MS : parsed;
    });
}

export const usageQuerySchema = z
  .object({
    from: instant('from').optional(),
    to: instant('to').optional(),
    user: z.string().min(1).max(256).optional(),
    key: z.string().min(1).max(256).optional(),
  })
  .strict();

/** `issues[0].path` as `records[3].ttft_ms`. */
export function issuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

export function firstIssue(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { path: '', message: 'invalid input' };
  return { path: issuePath(issue.path), message: issue.message };
}
