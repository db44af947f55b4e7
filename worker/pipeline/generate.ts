// The request pipeline shared by every client route: body → validation → model → policy →
// admission → plan → attempts (with retries before the first byte) → response or stream →
// one log record per attempt. Wire formats live behind protocols/; routing behind core/routing.
import type { Context } from 'hono';
import type { Candidate, ErrorClass, LogRecord, Protocol, Usage } from '../core/types';
import type { AppEnv, Bindings } from '../env';
import type { GatewayError } from '../errors';
import type { InboundRequest, ResponseContext, RouteContext, UpstreamFailure } from '../protocols/types';
import {
  buildUpstreamRequest,
  classifyUpstreamError,
  createStreamTranslator,
  parseInbound,
  renderCountTokens,
  streamContentType,
  translateResponse,
} from '../protocols';
import { plan } from '../core/routing/plan';
import { formatExplanation } from '../core/routing/explain';
import { resolvePolicy } from '../core/routing/policy';
import { candidatesFor, groupOf, type Catalog } from '../catalog/catalog';
import { modelAllowed } from '../auth/key-context';
import { estimateTokensFromText, maximumCharge, usageCost, usageOf, EMPTY_USAGE } from '../core/metering';
import { isolateState, type IsolateState } from '../state';
import { readJsonBody } from './body';
import { errorResponse } from './respond';
import { callUpstream, readTextWithin, TimeoutError } from './upstream';
import { pumpStream, startStream } from './stream';
import { admit, type Admission } from './admission';
import { resolveCredential } from './credential';
import { analyticsSender } from '../logs/shipper';

const NO_TOKENS = { input_tokens: 0, output_tokens: 0 };

/** Default when the client sets no max tokens: used for the balance reservation only. */
const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;

export async function handleGenerate(c: Context<AppEnv>, protocol: Protocol, route: RouteContext): Promise<Response> {
  const env = c.env;
  const state = isolateState(env);
  const fail = (error: GatewayError, headers?: Record<string, string>) => errorResponse(c, protocol, error, headers);

  const body = await readJsonBody(c.req.raw, state.settings.maxBodyBytes);
  if (!body.ok) return fail(body.error);
  const parsed = parseInbound(protocol, body.value.json, body.value.raw, route);
  if (!parsed.ok) return fail(parsed.error);
  const inbound = parsed.value;
  if (route.operation === 'count_tokens') {
    return new Response(renderCountTokens(inbound, inbound.input_tokens_estimate), { headers: { 'content-type': 'application/json' } });
  }

  const now = Date.now();
  const auth = c.get('auth');
  const catalog = await state.catalog.get(env.DB, now);
  const resolved = resolveModels(catalog, inbound, auth.models);
  if (!resolved.ok) return fail(resolved.error);
  const group = groupOf(catalog, auth.group_id);
  const policyResult = resolvePolicy({ config: catalog.routing, group: group.routing, key: auth.routing, request: inbound.body });
  if (!policyResult.ok) return fail({ kind: 'invalid_request', message: policyResult.error.message, param: policyResult.error.param });
  const fallbacks = resolveFallbacks(catalog, policyResult.value.models, auth.models);
  if (!fallbacks.ok) return fail(fallbacks.error);
  const models = [...new Set([resolved.value, ...fallbacks.value])];
  const policy = policyResult.value.policy;

  const candidates = models.flatMap((model) => candidatesFor(catalog, model, group.price_multiplier));
  if (candidates.length === 0) {
    return fail({ kind: 'upstream', status: 503, error_class: 'server', message: `No channel currently serves model "${resolved.value}".` });
  }
  const maxOutput = inbound.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const priciest = candidates.reduce((top, candidate) => (candidate.price.output_per_mtok > top.price.output_per_mtok ? candidate : top));
  const admission = await admit(env, auth, {
    request_id: c.get('request_id'),
    max_charge_usd: maximumCharge(inbound.input_tokens_estimate, maxOutput, priciest.price),
    input_tokens: inbound.input_tokens_estimate,
    max_output_tokens: maxOutput,
    now,
  });
  if (!admission.ok) return fail(admission.error, retryAfterHeader(admission.error));

  const scores = await state.scores.get(env.DB, now);
  const routed = plan({
    candidates,
    scores: scores.map,
    live: state.live.snapshot(now),
    policy,
    profile: {
      models,
      input_tokens: inbound.input_tokens_estimate,
      output_tokens: inbound.max_output_tokens ?? 512,
      capabilities: inbound.capabilities,
      bound_dialect: inbound.bound_dialect,
    },
    now,
    random: Math.random,
  });
  const debug: Record<string, string> = c.req.header('x-switchboard-debug') === '1' ? { 'x-switchboard-debug': formatExplanation(routed) } : {};
  const attempts = routed.attempts.slice(0, policy.max_attempts);
  if (attempts.length === 0) {
    await admission.value.settle(0, NO_TOKENS);
    return fail(
      { kind: 'invalid_request', message: `No channel for model "${resolved.value}" satisfies this request's routing constraints or capabilities.`, param: 'provider' },
      debug,
    );
  }

  const run = new AttemptRun(c, state, catalog, inbound, admission.value, debug);
  return run.execute(attempts);
}

type Resolution<T> = { ok: true; value: T } | { ok: false; error: GatewayError };

function resolveModels(catalog: Catalog, inbound: InboundRequest, allowed: string[]): Resolution<string> {
  const model = catalog.names.get(inbound.model);
  if (!model) return { ok: false, error: { kind: 'model_not_found', model: inbound.model, message: `The model "${inbound.model}" does not exist.` } };
  if (!modelAllowed(allowed, model)) {
    return { ok: false, error: { kind: 'forbidden', message: `This key may not use the model "${inbound.model}".` } };
  }
  return { ok: true, value: model };
}

function resolveFallbacks(catalog: Catalog, names: string[], allowed: string[]): Resolution<string[]> {
  const out: string[] = [];
  for (const [index, name] of names.entries()) {
    const model = catalog.names.get(name);
    if (!model) return { ok: false, error: { kind: 'invalid_request', message: `Unknown fallback model "${name}".`, param: `models[${index}]` } };
    if (!modelAllowed(allowed, model)) {
      return { ok: false, error: { kind: 'forbidden', message: `This key may not use the model "${name}".` } };
    }
    out.push(model);
  }
  return { ok: true, value: out };
}

function retryAfterHeader(error: GatewayError): Record<string, string> {
  return error.kind === 'rate_limited' ? { 'retry-after': String(Math.max(1, Math.ceil(error.retry_after_s))) } : {};
}

/** One request's walk down its attempt plan. */
class AttemptRun {
  readonly #request_id: string;
  readonly #received_at: number;
  #attempt = 0;

  constructor(
    readonly c: Context<AppEnv>,
    readonly state: IsolateState,
    readonly catalog: Catalog,
    readonly inbound: InboundRequest,
    readonly admission: Admission,
    readonly debug: Record<string, string>,
  ) {
    this.#request_id = c.get('request_id');
    this.#received_at = c.get('received_at');
  }

  async execute(attempts: Candidate[]): Promise<Response> {
    let last: UpstreamFailure | null = null;
    let lastSkip: GatewayError | null = null;
    for (const candidate of attempts) {
      const outcome = await this.#try(candidate);
      if (outcome.kind === 'response') return outcome.response;
      if (outcome.kind === 'skip') {
        lastSkip = outcome.error;
        continue;
      }
      last = outcome.failure;
      if (outcome.failure.error_class === 'client') {
        await this.admission.settle(0, NO_TOKENS);
        return this.#error({ kind: 'upstream', ...outcome.failure });
      }
    }
    await this.admission.settle(0, NO_TOKENS);
    if (!last && lastSkip) return this.#error(lastSkip);
    const failure = last ?? { status: 503, error_class: 'server' as const, message: 'No channel was available.' };
    const tried = this.#attempt;
    return this.#error({
      kind: 'upstream',
      status: clientStatusFor(failure),
      error_class: failure.error_class,
      message: `All ${tried} channel${tried === 1 ? '' : 's'} tried failed; the last said: ${failure.message}`,
      ...(failure.retry_after_s !== undefined ? { retry_after_s: failure.retry_after_s } : {}),
    });
  }

  async #try(candidate: Candidate): Promise<
    | { kind: 'response'; response: Response }
    | { kind: 'failure'; failure: UpstreamFailure }
    | { kind: 'skip'; error: GatewayError }
  > {
    const { inbound, state } = this;
    const env = this.c.env;
    const channel = this.#channel(candidate);
    const upstream = buildUpstreamRequest(inbound, {
      dialect: candidate.dialect,
      base_url: candidate.base_url,
      upstream_model: candidate.upstream_model,
      api_key: await resolveCredential(channel, env),
    });
    // A request this channel's dialect cannot express is not an attempt: try the next channel.
    if (!upstream.ok) return { kind: 'skip', error: upstream.error };

    this.#attempt += 1;
    const attempt = this.#attempt;
    const started = Date.now();
    state.live.begin(candidate.channel_id, started);
    const called = await callUpstream(upstream.value, state.settings.ttftTimeoutMs);
    if (!called.ok) return this.#failed(candidate, attempt, started, 0, called.failure);
    const response = called.response;

    if (!response.ok) {
      let text = '';
      try {
        text = await readTextWithin(response, state.settings.ttftTimeoutMs);
      } catch {
        // The status says enough.
      }
      const failure = classifyUpstreamError(candidate.dialect, response.status, text, response.headers);
      return this.#failed(candidate, attempt, started, response.status, failure);
    }

    const context: ResponseContext = {
      request_id: this.#request_id,
      model: candidate.model,
      created_ms: this.#received_at,
      channel_id: candidate.channel_id,
      price: candidate.price,
    };
    return inbound.stream
      ? this.#stream(candidate, attempt, started, response, context)
      : this.#whole(candidate, attempt, started, response, context);
  }

  async #whole(candidate: Candidate, attempt: number, started: number, response: Response, context: ResponseContext) {
    let text: string;
    try {
      text = await readTextWithin(response, this.state.settings.idleTimeoutMs);
    } catch (error) {
      const failure: UpstreamFailure = error instanceof TimeoutError
        ? { status: 504, error_class: 'timeout', message: 'The upstream did not finish its answer in time.' }
        : { status: 502, error_class: 'connection', message: 'The upstream connection broke during the answer.' };
      return this.#failed(candidate, attempt, started, response.status, failure);
    }
    const translated = translateResponse(this.inbound, candidate.dialect, text, context);
    if (!translated.ok) {
      return this.#failed(candidate, attempt, started, response.status, {
        status: 502,
        error_class: 'server',
        message: 'The upstream sent an answer that could not be read.',
      });
    }
    const ended = Date.now();
    // Without usage, the estimate counts what the model generated, never the rendered JSON (ids, keys, vectors).
    const { usage, estimated } = meter(translated.value.usage, this.inbound, translated.value.output_characters);
    const charge = usageCost(usage, candidate.price);
    this.state.live.end(candidate.channel_id, { ok: true }, ended);
    this.#log(candidate, attempt, started, ended, response.status, 'none', '', ended - started, usage, estimated, true);
    this.c.executionCtx.waitUntil(this.admission.settle(charge, tokensOf(usage)));
    return {
      kind: 'response' as const,
      response: new Response(translated.value.body, {
        status: 200,
        headers: { 'content-type': 'application/json', ...this.#headers(candidate) },
      }),
    };
  }

  async #stream(candidate: Candidate, attempt: number, started: number, response: Response, context: ResponseContext) {
    const translator = createStreamTranslator(this.inbound, candidate.dialect, context);
    const timings = { ttftMs: this.state.settings.ttftTimeoutMs, idleMs: this.state.settings.idleTimeoutMs };
    const start = await startStream(response, translator, timings, started);
    if (!start.ok) return this.#failed(candidate, attempt, started, response.status, start.failure);
    const firstTokenAt = start.first_token_at ?? Date.now();
    const ttft = firstTokenAt - started;
    this.state.live.firstByte(candidate.channel_id, firstTokenAt);
    const pumped = pumpStream(start, translator, timings);
    const settled = pumped.done.then(async (result) => {
      const ended = Date.now();
      const observation = translator.observation;
      const { usage, estimated } = meter(observation.usage, this.inbound, observation.output_characters);
      const ok = result.outcome === 'completed';
      const errorClass: ErrorClass = ok ? 'none' : result.outcome === 'cancelled' ? 'cancelled' : (result.failure?.error_class === 'timeout' ? 'timeout' : 'mid_stream');
      // A stream the client abandoned says nothing about the channel's health.
      this.state.live.end(
        candidate.channel_id,
        ok ? { ok: true, after_first_byte: true } : { ok: false, error_class: errorClass, after_first_byte: true },
        ended,
      );
      this.#log(candidate, attempt, started, ended, response.status, errorClass, result.failure?.message ?? '', ttft, usage, estimated, true);
      // A stream the client left is charged for what was generated; a broken one is not charged.
      const charged = ok || result.outcome === 'cancelled';
      await this.admission.settle(charged ? usageCost(usage, candidate.price) : 0, tokensOf(usage));
    });
    this.c.executionCtx.waitUntil(settled);
    return {
      kind: 'response' as const,
      response: new Response(pumped.body, {
        status: 200,
        headers: {
          'content-type': streamContentType(this.inbound.protocol),
          'cache-control': 'no-cache',
          ...this.#headers(candidate),
        },
      }),
    };
  }

  #failed(candidate: Candidate, attempt: number, started: number, status: number, failure: UpstreamFailure) {
    const ended = Date.now();
    this.state.live.end(candidate.channel_id, { ok: false, error_class: failure.error_class }, ended);
    this.#log(candidate, attempt, started, ended, status, failure.error_class, failure.message, null, EMPTY_USAGE, false, failure.error_class === 'client');
    return { kind: 'failure' as const, failure };
  }

  #log(
    candidate: Candidate,
    attempt: number,
    started: number,
    ended: number,
    status: number,
    error_class: ErrorClass,
    error_message: string,
    ttft_ms: number | null,
    usage: Usage,
    usage_estimated: boolean,
    final: boolean,
  ): void {
    const auth = this.c.get('auth');
    const success = error_class === 'none' || error_class === 'cancelled';
    const record: LogRecord = {
      request_id: this.#request_id,
      attempt,
      ts_start: started,
      ts_end: ended,
      key_id: auth.key_id,
      user_id: auth.user_id,
      group_id: auth.group_id,
      model: candidate.model,
      channel_id: candidate.channel_id,
      upstream_model: candidate.upstream_model,
      client_protocol: this.inbound.protocol,
      dialect: candidate.dialect,
      stream: this.inbound.stream,
      status,
      error_class,
      error_message: error_message.slice(0, 300),
      ttft_ms,
      duration_ms: ended - started,
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cached_input_tokens: usage.cached_input_tokens,
      cache_write_tokens: usage.cache_write_tokens,
      cache_write_1h_tokens: usage.cache_write_1h_tokens,
      reasoning_tokens: usage.reasoning_tokens,
      usage_estimated,
      cost_usd: usageCost(usage, candidate.cost),
      price_usd: success ? usageCost(usage, candidate.price) : 0,
      final,
    };
    shipRecord(this.c, this.state, record);
  }

  #headers(candidate: Candidate): Record<string, string> {
    return {
      'x-switchboard-channel': candidate.channel_id,
      'x-switchboard-model': candidate.model,
      'x-switchboard-attempts': String(this.#attempt),
      ...this.debug,
    };
  }

  #error(error: GatewayError): Response {
    const headers: Record<string, string> = { 'x-switchboard-attempts': String(this.#attempt), ...this.debug };
    if (error.kind === 'upstream' && error.retry_after_s !== undefined) headers['retry-after'] = String(Math.ceil(error.retry_after_s));
    return errorResponse(this.c, this.inbound.protocol, error, headers);
  }

  #channel(candidate: Candidate) {
    return this.catalog.channels.get(candidate.channel_id);
  }
}

/** Usage as reported, or the documented estimate when the upstream reported none. */
function meter(reported: Usage | null, inbound: InboundRequest, outputCharacters: number): { usage: Usage; estimated: boolean } {
  if (reported) return { usage: reported, estimated: false };
  return {
    usage: usageOf({
      input_tokens: inbound.input_tokens_estimate,
      output_tokens: outputCharacters > 0 ? estimateTokensFromText(outputCharacters) : 0,
    }),
    estimated: true,
  };
}

function tokensOf(usage: Usage): { input_tokens: number; output_tokens: number } {
  return { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens };
}

/** The status a client sees when every channel failed: the last upstream class. */
function clientStatusFor(failure: UpstreamFailure): number {
  switch (failure.error_class) {
    case 'rate_limit':
      return 429;
    case 'timeout':
      return 504;
    case 'connection':
      return 502;
    default:
      return failure.status >= 500 && failure.status <= 599 ? (failure.status === 503 ? 503 : 502) : 502;
  }
}


export function shipRecord(c: Context<AppEnv>, state: IsolateState, record: LogRecord): void {
  const env = c.env;
  if (!env.ANALYTICS_URL || !env.INTERNAL_SECRET) {
    state.shipper.counters.dropped += 1;
    return;
  }
  const send = analyticsSender(env.ANALYTICS_URL, env.INTERNAL_SECRET);
  state.shipper.enqueue(record, send, (promise) => c.executionCtx.waitUntil(promise));
}
