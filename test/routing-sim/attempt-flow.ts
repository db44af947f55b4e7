// One request's attempts in the routing simulator: retries down the plan within max_attempts,
// prompt caches (cached tokens billed at the cached rates, cached TTFT), and hedging (the next
// attempt starts when the first has no token by the router's hedge delay; the first token
// wins; the loser is cancelled and its tokens so far are costed as extra).
import { isWarm } from '../../worker/core/routing/affinity';
import type { ConversationContext, RequestProfile } from '../../worker/core/routing/types';
import type { Candidate, ChannelScore, RandomSource, TokenPrice } from '../../worker/core/types';
import type { Turn } from './conversations';
import type { EventQueue } from './event-queue';
import type { PromptCache } from './prompt-cache';
import type { IsolateRouter } from './strategies/strategy';
import type { AttemptResult, SimulatedChannel } from './upstream';
import type { WindowStatsStore } from './window-stats';

export interface SimRequest {
  arrival: number;
  isolate: number;
  profile: RequestProfile;
  order: Candidate[];
  /** Index in order of the next attempt to start. */
  next: number;
  live: LiveAttempt[];
  winner: LiveAttempt | null;
  finished: boolean;
  turn: Turn | null;
  conversation: ConversationContext | undefined;
  /** What the request's attempts cost, hedges' losers excluded. */
  cost: number;
}

interface LiveAttempt {
  request: SimRequest;
  candidate: Candidate;
  channel: SimulatedChannel;
  start: number;
  outcome: AttemptResult;
  cached: number;
  /** The channel held the conversation's whole previous prompt when the attempt started. */
  warm: boolean;
  cancelled: boolean;
  role: 'single' | 'primary' | 'hedge';
}

/** What a flow reads and writes of its run (engine.ts). */
export interface FlowContext {
  queue: EventQueue;
  now(): number;
  channels: Map<string, SimulatedChannel>;
  caches: Map<string, PromptCache>;
  cost(candidate: Candidate): TokenPrice;
  price: TokenPrice;
  scores(): ReadonlyMap<string, ChannelScore>;
  stats: WindowStatsStore;
  routers: IsolateRouter[];
  random: RandomSource;
  stream: boolean;
  timeout_ms: number;
  max_attempts: number;
  duration_ms: number;
  /** A request's first attempt went to this channel (reaction times, traffic shares). */
  firstAttempt(request: SimRequest, channel_id: string): void;
  served(request: SimRequest, channel_id: string, at: number): void;
  finished(request: SimRequest, winner: LiveAttempt | null): void;
  tally: { attempts: number; cost_usd: number; hedges: number; hedge_cost_usd: number };
}

export function startAttempt(context: FlowContext, request: SimRequest, role: 'single' | 'primary' | 'hedge'): void {
  const limit = Math.min(request.order.length, context.max_attempts);
  if (request.next >= limit) {
    if (request.live.length === 0) finish(context, request, null);
    return;
  }
  const now = context.now();
  const candidate = request.order[request.next++]!;
  const channel = context.channels.get(candidate.channel_id)!;
  const router = context.routers[request.isolate]!;
  if (request.next === 1) context.firstAttempt(request, channel.id);
  context.tally.attempts++;
  const cache = context.caches.get(channel.id)!;
  const conversation = request.turn?.conversation;
  const input = request.profile.input_tokens;
  // Warm: the channel holds the conversation's whole previous prompt (a channel that served
  // an earlier turn holds only a shorter prefix: a partial hit, not a warm cache).
  const prefix = request.turn?.prefix_tokens ?? 0;
  const warm = conversation !== undefined && prefix > 0 && cache.warmTokens(conversation, now) >= prefix;
  const cached = conversation === undefined ? 0 : cache.read(conversation, input, now, context.random);
  const outcome = channel.attempt(
    request.profile.output_tokens,
    context.stream,
    now,
    context.random,
    context.timeout_ms,
    cache.ttftFactor(cached, input),
  );
  const attempt: LiveAttempt = { request, candidate, channel, start: now, outcome, cached, warm, cancelled: false, role };
  channel.in_flight++;
  router.started(channel.id, now);
  request.live.push(attempt);
  if (outcome.ttft_ms !== null) context.queue.push(now + outcome.ttft_ms, () => firstToken(context, attempt));
  context.queue.push(now + outcome.duration_ms, () => end(context, attempt));
  const hedge = router.hedge;
  if (role === 'primary' && hedge !== undefined && request.next < limit) {
    const delay = hedge.delayMs(candidate, context.scores());
    if (delay !== null) context.queue.push(now + delay, () => maybeHedge(context, attempt));
  }
}

function maybeHedge(context: FlowContext, primary: LiveAttempt): void {
  const request = primary.request;
  if (primary.cancelled || request.winner !== null || request.finished || request.live.length !== 1) return;
  if (request.live[0] !== primary) return;
  const budget = context.routers[request.isolate]!.hedge!.budget;
  if (!budget.allows()) return;
  budget.recordHedge(0);
  context.tally.hedges++;
  startAttempt(context, request, 'hedge');
}

function firstToken(context: FlowContext, attempt: LiveAttempt): void {
  if (attempt.cancelled) return;
  const request = attempt.request;
  const now = context.now();
  context.routers[request.isolate]!.firstByte?.(attempt.channel.id, now);
  // The prompt has been read in: the channel caches it from now on.
  const conversation = request.turn?.conversation;
  if (conversation !== undefined) context.caches.get(attempt.channel.id)!.write(conversation, request.profile.input_tokens, now);
  if (request.winner !== null) return;
  request.winner = attempt;
  context.served(request, attempt.channel.id, now);
  for (const other of request.live.slice()) if (other !== attempt) cancel(context, other);
}

function cancel(context: FlowContext, attempt: LiveAttempt): void {
  const now = context.now();
  const request = attempt.request;
  attempt.cancelled = true;
  attempt.channel.in_flight--;
  request.live.splice(request.live.indexOf(attempt), 1);
  const router = context.routers[request.isolate]!;
  // A primary overtaken by its hedge had no first token well past its channel's usual TTFT:
  // the router hears a timeout (as the worker's live signals do, pipeline/hedging.ts), so a
  // hanging channel still trips its breaker while hedges hide the hang from callers. A losing
  // hedge started late and says nothing about its channel.
  const errorClass = attempt.role === 'primary' ? 'timeout' : 'cancelled';
  router.ended(
    attempt.channel.id,
    { ok: false, error_class: errorClass, ttft_ms: null, duration_ms: now - attempt.start, output_tokens: 0 },
    now,
  );
  // Cancelled before its first token: the prompt it read in is billed, no output.
  const extra = billed(request.profile.input_tokens, attempt.cached, 0, context.cost(attempt.candidate));
  context.tally.cost_usd += extra;
  context.tally.hedge_cost_usd += extra;
  router.hedge?.budget.recordHedge(extra, 0);
}

function end(context: FlowContext, attempt: LiveAttempt): void {
  if (attempt.cancelled) return;
  const now = context.now();
  const { request, channel, outcome, candidate } = attempt;
  channel.in_flight--;
  request.live.splice(request.live.indexOf(attempt), 1);
  const ok = outcome.error_class === 'none';
  const router = context.routers[request.isolate]!;
  router.ended(
    channel.id,
    {
      ok,
      error_class: outcome.error_class,
      ttft_ms: outcome.ttft_ms,
      duration_ms: outcome.duration_ms,
      output_tokens: outcome.output_tokens,
      ...(outcome.retry_after_s !== undefined ? { retry_after_s: outcome.retry_after_s } : {}),
    },
    now,
  );
  const generation = outcome.ttft_ms === null ? 0 : outcome.duration_ms - outcome.ttft_ms;
  const expectedWarm = request.conversation !== undefined && isWarm(candidate, request.conversation, attempt.start);
  context.stats.record(channel.id, candidate.model, now, outcome.error_class, outcome.ttft_ms, ok && generation > 0 ? (outcome.output_tokens / generation) * 1000 : null, {
    duration_ms: outcome.duration_ms,
    expected_warm: expectedWarm,
    cache_hit: attempt.cached > 0,
  });
  if (outcome.ttft_ms !== null) {
    const cost = billed(request.profile.input_tokens, attempt.cached, outcome.output_tokens, context.cost(candidate));
    context.tally.cost_usd += cost;
    request.cost += cost;
  }
  if (ok) return finish(context, request, attempt);
  if (request.winner === attempt || request.live.length > 0) {
    // Cut after its first token (client-visible), or a hedge is still running.
    if (request.winner === attempt) finish(context, request, null);
    return;
  }
  const retryable = outcome.error_class !== 'client' && outcome.error_class !== 'mid_stream';
  if (!retryable) return finish(context, request, null);
  const next = request.order[request.next];
  const wait =
    next !== undefined && next.channel_id === channel.id && outcome.retry_after_s !== undefined ? outcome.retry_after_s * 1000 : 0;
  if (wait > 0) context.queue.push(now + wait, () => startAttempt(context, request, 'single'));
  else startAttempt(context, request, 'single');
}

function finish(context: FlowContext, request: SimRequest, winner: LiveAttempt | null): void {
  if (request.finished) return;
  request.finished = true;
  context.routers[request.isolate]!.hedge?.budget.recordRequest(request.cost);
  context.finished(request, winner);
}

/** USD for input (of which `cached` from cache) and output tokens at a price. */
export function billed(input: number, cached: number, output: number, price: TokenPrice): number {
  const cachedRate = price.cached_input_per_mtok ?? price.input_per_mtok;
  return ((input - cached) * price.input_per_mtok + cached * cachedRate + output * price.output_per_mtok) * 1e-6;
}

export type { LiveAttempt };
