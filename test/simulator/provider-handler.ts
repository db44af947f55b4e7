// The life of one request to a simulated provider: outage emulation, rate and concurrency
// limits, injected errors, then the dialect's reply with the provider's timing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DIALECTS } from './dialects/index';
import type { DialectContext, JsonReply } from './dialects/types';
import type { ProviderState } from './provider-state';
import { cutConnection, sendJson, writeJsonReply, writeStreamReply } from './reply-writer';

export async function handleProviderRequest(
  request: IncomingMessage,
  response: ServerResponse,
  state: ProviderState,
  path: string,
  search: string,
): Promise<void> {
  const { behaviour, counters } = state;
  counters.requests += 1;
  if (behaviour.down) {
    // As close to "connection refused" as an accepted connection gets: no response, a reset.
    counters.errors += 1;
    return cutConnection(response);
  }
  const dialect = DIALECTS[behaviour.dialect];
  const method = request.method ?? 'GET';
  const query = new URLSearchParams(search);
  const bodyText = await readBody(request);
  // The path keeps its query string (`/v1/messages?beta=true`): tests check what was forwarded.
  state.record({ received_at: Date.now(), method, path: search ? `${path}?${search}` : path, query: Object.fromEntries(query), headers: { ...request.headers }, body: bodyText });

  const fail = (reply: JsonReply, headers: Record<string, string> = {}) => {
    counters.errors += 1;
    if (!response.destroyed) sendJson(response, reply, headers);
  };
  const route = dialect.route(method, path, query);
  if (!route) return fail(dialect.notFound(method, path));
  const rate = state.takeRateToken(Date.now());
  if (!rate.allowed) {
    return fail(dialect.error(429, `Rate limit of ${behaviour.rate_limit_rps} requests per second exceeded for ${state.name}.`), { 'retry-after': String(rate.retryAfterSeconds) });
  }
  if (behaviour.max_concurrency !== undefined && counters.in_flight >= behaviour.max_concurrency) {
    return fail(dialect.error(429, `Too many concurrent requests to ${state.name} (limit ${behaviour.max_concurrency}).`), { 'retry-after': '1' });
  }

  counters.in_flight += 1;
  response.once('close', () => {
    counters.in_flight -= 1;
  });
  if (behaviour.hang) return; // Never answered; 'close' releases it when the client gives up.

  if (behaviour.error_rate > 0 && state.random() < behaviour.error_rate) {
    const status = behaviour.error_status;
    return fail(dialect.error(status, `Simulated upstream error (${status}) from ${state.name}.`), status === 429 ? { 'retry-after': '1' } : {});
  }
  let body: unknown;
  if (bodyText.length > 0) {
    try {
      body = JSON.parse(bodyText);
    } catch {
      return fail(dialect.error(400, 'Invalid JSON payload received: the request body could not be parsed as JSON.'));
    }
  }
  const jitter = behaviour.ttft_jitter_ms > 0 ? (state.random() * 2 - 1) * behaviour.ttft_jitter_ms : 0;
  const ttftMs = Math.max(0, behaviour.ttft_ms + jitter);
  if (behaviour.stream_error_status !== undefined) {
    const reply = dialect.serviceError(route, body, behaviour.stream_error_status);
    if (reply.kind === 'json') return fail(reply);
    counters.errors += 1;
    return writeStreamReply(response, reply, { ttftMs, tokensPerSecond: 0, cut: false, random: state.random });
  }
  let warmShare = 0;
  const promptCache = behaviour.prompt_cache;
  const context: DialectContext = {
    behaviour,
    seed: state.seed,
    random: state.random,
    seenPrefix: (text) => state.seenPrompt(text),
    ...(promptCache === undefined ? {} : {
      timedCache: (conversation, inputTokens) => {
        const read = state.timedCache.read(conversation, inputTokens, promptCache.ttl_s * 1000, Date.now());
        warmShare = read.warm_share;
        return read.cached_tokens;
      },
    }),
  };
  const reply = dialect.handle(route, body, context);
  if (reply.kind === 'json' && reply.status >= 400) return fail(reply);

  const timing = {
    ttftMs: promptCache === undefined ? ttftMs : ttftMs * (1 - warmShare * (1 - promptCache.warm_ttft_factor)),
    tokensPerSecond: behaviour.tokens_per_s,
    cut: behaviour.fail_mid_stream_rate > 0 && state.random() < behaviour.fail_mid_stream_rate,
    random: state.random,
  };
  if (timing.cut) counters.errors += 1;
  if (reply.kind === 'json') writeJsonReply(response, reply, timing);
  else writeStreamReply(response, reply, timing);
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
    request.on('close', () => {
      if (!request.complete) reject(new Error('client went away before sending the whole body'));
    });
  });
}
