// POST /admin/channels/{id}/test (operator): "test this channel now". One real, tiny,
// non-streaming chat request to that channel alone — its first enabled chat model, or
// `{model}` from the body — through the pipeline's own attempt machinery: the request is
// built by the protocol layer, sent by runAttempt (time-outs, error classification, the
// channel's live signals and breaker), and logged by logRecordOf like any other attempt, so
// it shows in the attempt log with the channel's real cost. It is billed to nobody: the price
// is 0 and the log names the reserved caller OPERATOR_TEST_CALLER.
//
// Why not prepareRequest with provider.only and max_attempts 1: admission reserves money from
// a user's account object (there is no user to bill), and the catalog holds only enabled
// channels, while an operator wants to test a disabled channel before re-enabling it. The
// plan is therefore fixed here (one candidate) and admission skipped; everything from the
// upstream request on is the normal path.
import type { Context } from 'hono';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { z } from 'zod';
import type { AppEnv } from '../env';
import type { Candidate } from '../core/types';
import { channelModels, channels, models } from '../db/schema';
import { effectivePrice, storedPrice } from '../db/price-columns';
import { buildUpstreamRequest, parseInbound } from '../protocols';
import { resolveCredential } from '../pipeline/credential';
import { runAttempt } from '../pipeline/attempt';
import { logRecordOf, type AttemptReport, type LogContext } from '../pipeline/attempt-report';
import { shipRecord } from '../logs/shipper';
import { errorResponse } from '../pipeline/respond';
import { invalid, notFound, parseBody } from './respond';

/**
 * The user, group and key of a test's log record. `~` cannot start a user id (config ids are
 * letters, digits and `._:/@-`), so no real account can ever own these records or see them
 * in its own request log, and the ledger never debits them (their price is 0).
 */
export const OPERATOR_TEST_CALLER = '~operator-test';

const PROMPT = 'This is a connectivity test from the Switchboard operator console. Reply with one word: OK.';
const MAX_OUTPUT_TOKENS = 16;
const FREE = effectivePrice({ input_per_mtok: 0, output_per_mtok: 0 });

const bodySchema = z.strictObject({ model: z.string().min(1).max(128).optional() });

export interface ChannelTestResult {
  ok: boolean;
  channel_id: string;
  model: string;
  /** The upstream's HTTP status; 0 when none arrived (connection refused, time-out). */
  status: number;
  ttft_ms: number | null;
  duration_ms: number;
  output_text?: string;
  error?: { class: string; message: string };
  /** The attempt log's request id for this test. */
  request_id: string;
}

export async function channelTestRoute(c: Context<AppEnv>): Promise<Response> {
  let requested: string | undefined;
  if (c.req.raw.body !== null && c.req.header('content-length') !== '0') {
    const body = await parseBody(c, bodySchema);
    if (!body.ok) return body.response;
    requested = body.value.model;
  }
  const id = c.req.param('id') ?? '';
  const target = await loadTarget(c.env.DB, id, requested);
  if (target === 'no_channel') return notFound(c, 'channel', id);
  if (target === 'no_model') {
    return requested !== undefined
      ? invalid(c, 'model', `model: channel "${id}" does not serve "${requested}"`)
      : invalid(c, 'model', `model: channel "${id}" serves no enabled chat model to test`);
  }

  const json = { model: target.model, messages: [{ role: 'user', content: PROMPT }], max_tokens: MAX_OUTPUT_TOKENS, stream: false };
  const inbound = parseInbound('openai', json, JSON.stringify(json), { operation: 'generate' });
  if (!inbound.ok) return errorResponse(c, 'openai', inbound.error);
  const candidate = target.candidate;
  const upstream = buildUpstreamRequest(inbound.value, {
    dialect: candidate.dialect,
    base_url: candidate.base_url,
    upstream_model: candidate.upstream_model,
    api_key: await resolveCredential(target.credential, c.env),
  });
  const request_id = c.get('request_id');
  if (!upstream.ok) {
    return c.json(resultOf({ candidate, request_id, status: 0, ttft_ms: null, duration_ms: 0, error: { class: 'client', message: upstream.error.message } }));
  }

  const state = c.get('state');
  const outcome = await runAttempt(candidate, 1, upstream.value, {
    inbound: inbound.value,
    request_id,
    received_at: c.get('received_at'),
    timings: { ttftMs: state.settings.ttftTimeoutMs, idleMs: state.settings.idleTimeoutMs },
    live: state.live,
  });
  // A non-streaming request never streams; the union says it could, so wait for its report.
  const report: AttemptReport = outcome.kind === 'streaming' ? await outcome.report : outcome.report;
  const caller = { key_id: OPERATOR_TEST_CALLER, user_id: OPERATOR_TEST_CALLER, group_id: OPERATOR_TEST_CALLER };
  const logContext: LogContext = { request_id, auth: caller, client_protocol: 'openai', stream: false };
  shipRecord(state.shipper, c.env, logRecordOf(report, logContext), (promise) => c.executionCtx.waitUntil(promise));

  const timing = { status: report.status, ttft_ms: report.ttft_ms, duration_ms: report.ended_at - report.started_at };
  if (outcome.kind === 'answered') return c.json(resultOf({ candidate, request_id, ...timing, output_text: outputTextOf(outcome.body) }));
  return c.json(resultOf({ candidate, request_id, ...timing, error: { class: report.error_class, message: report.error_message } }));
}

interface Target {
  model: string;
  candidate: Candidate;
  credential: { id: string; api_key: string };
}

/**
 * The channel (enabled or not) and the model to test: the requested one if the channel serves
 * it, else the first (in the channel's own order) that is enabled and not embeddings-only.
 */
async function loadTarget(database: D1Database, id: string, requested: string | undefined): Promise<Target | 'no_channel' | 'no_model'> {
  const db = drizzle(database);
  const [channelRows, links] = await db.batch([
    db.select().from(channels).where(eq(channels.id, id)).limit(1),
    db
      .select({ link: channelModels, enabled: models.enabled, capabilities: models.capabilities, context_length: models.context_length })
      .from(channelModels)
      .innerJoin(models, eq(models.id, channelModels.model_id))
      .where(eq(channelModels.channel_id, id))
      .orderBy(sql`${channelModels}.rowid`),
  ]);
  const channel = channelRows[0];
  if (!channel) return 'no_channel';
  const capabilitiesOf = (text: string): string[] => {
    try {
      const value: unknown = JSON.parse(text);
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    } catch {
      return [];
    }
  };
  const chosen =
    requested !== undefined
      ? links.find((entry) => entry.link.model_id === requested)
      : links.find((entry) => entry.enabled && !capabilitiesOf(entry.capabilities).includes('embeddings'));
  if (!chosen) return 'no_model';
  const candidate: Candidate = {
    channel_id: channel.id,
    dialect: channel.type,
    base_url: channel.base_url,
    model: chosen.link.model_id,
    upstream_model: chosen.link.upstream_model,
    cost: effectivePrice(storedPrice('cost', chosen.link)),
    price: FREE,
    priority: channel.priority,
    weight: channel.weight,
    max_concurrency: channel.max_concurrency,
    capabilities: capabilitiesOf(chosen.capabilities),
    context_length: chosen.context_length,
  };
  return { model: chosen.link.model_id, candidate, credential: { id: channel.id, api_key: channel.api_key } };
}

function resultOf(fields: Omit<ChannelTestResult, 'ok' | 'channel_id' | 'model'> & { candidate: Candidate }): ChannelTestResult {
  const { candidate, ...rest } = fields;
  return { ok: rest.error === undefined, channel_id: candidate.channel_id, model: candidate.model, ...rest };
}

/** The answer's text (OpenAI Chat Completions shape), or '' when it has none (a tool call). */
function outputTextOf(body: string): string {
  try {
    const content: unknown = JSON.parse(body)?.choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : '';
  } catch {
    return '';
  }
}
