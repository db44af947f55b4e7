// The request-level steps between a resolved model and the first attempt: the routing policy
// (config ← group ← key ← request) and its fallbacks, the candidate channels, admission (the
// account object reserves the largest possible charge) and the plan.
import type { Candidate, DecisionRecord } from '../core/types';
import type { Bindings } from '../env';
import type { GatewayError } from '../errors';
import type { InboundRequest } from '../protocols/types';
import type { KeyContext } from '../auth/key-context';
import type { IsolateState } from '../state';
import { candidatesFor, groupOf, type Catalog } from '../catalog/catalog';
import { maximumCharge } from '../core/metering';
import { decisionRecordOf } from '../core/routing/decision';
import { formatExplanation } from '../core/routing/explain';
import { plan } from '../core/routing/plan';
import { resolvePolicy } from '../core/routing/policy';
import { hedgeDelayMs } from '../core/routing/hedge';
import { scoreKey, type ConversationContext } from '../core/routing/types';
import { conversationOf } from '../conversation/conversation-key';
import { admit, type Admission } from './admission';
import { splitHedgeOption } from './hedge-option';
import { resolveFallbacks } from './models';

/** Default when the client sets no max tokens: used for the balance reservation only. */
const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;
/** Default output the router prices a request at when the client sets no max tokens. */
const ROUTING_OUTPUT_TOKENS = 512;

export interface PrepareInput {
  env: Bindings;
  state: IsolateState;
  auth: KeyContext;
  request_id: string;
  inbound: InboundRequest;
  catalog: Catalog;
  /** The requested model's catalog id (models.ts resolveModel). */
  model: string;
  /** The caller sent `x-switchboard-debug: 1`: explain the plan in a response header. */
  debug: boolean;
  now: number;
  /** Keeps the admission lease's background reports alive (the request's waitUntil). */
  waitUntil: (promise: Promise<unknown>) => void;
}

export interface PreparedRequest {
  /** The plan's channels in order, at most the policy's max_attempts. */
  attempts: Candidate[];
  admission: Admission;
  /** Headers every answer of this request carries (the debug explanation). */
  headers: Record<string, string>;
  /** How the router chose, for the first attempt's log record (the routing explorer). */
  decision: DecisionRecord;
  /** The conversation the request continues (prompt-cache affinity), or null. */
  conversation: ConversationContext | null;
  /** Start the next attempt beside the first when it has no first token by then (ms); null: no hedge. */
  hedge_delay_ms: number | null;
}

export type Preparation = { ok: true; value: PreparedRequest } | { ok: false; error: GatewayError; headers?: Record<string, string> };

export async function prepareRequest(input: PrepareInput): Promise<Preparation> {
  const { env, state, auth, inbound, catalog, now } = input;
  const group = groupOf(catalog, auth.group_id);
  const hedgeOption = splitHedgeOption(inbound.body);
  if (!hedgeOption.ok) return { ok: false, error: { kind: 'invalid_request', message: hedgeOption.error.message, param: hedgeOption.error.param } };
  const policyResult = resolvePolicy({ config: catalog.routing, group: group.routing, key: auth.routing, request: hedgeOption.body });
  if (!policyResult.ok) return { ok: false, error: { kind: 'invalid_request', message: policyResult.error.message, param: policyResult.error.param } };
  const fallbacks = resolveFallbacks(catalog, policyResult.value.models, auth.models);
  if (!fallbacks.ok) return fallbacks;
  const models = [...new Set([input.model, ...fallbacks.value])];
  const policy = policyResult.value.policy;
  if (hedgeOption.hedge !== undefined) policy.hedge = hedgeOption.hedge;
  // Hashed before admission: the admission's lease call may bring this user's conversations from other isolates.
  const identity = conversationOf(inbound, input.model, auth.user_id);

  const candidates = models.flatMap((model) => candidatesFor(catalog, model, group.price_multiplier));
  if (candidates.length === 0) {
    return { ok: false, error: { kind: 'upstream', status: 503, error_class: 'server', message: `No channel currently serves model "${input.model}".` } };
  }
  const maxOutput = inbound.max_output_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  const priciest = candidates.reduce((top, candidate) => (candidate.price.output_per_mtok > top.price.output_per_mtok ? candidate : top));
  const admission = await admit(
    state.leases,
    auth,
    {
      request_id: input.request_id,
      max_charge_usd: maximumCharge(inbound.input_tokens_estimate, maxOutput, priciest.price),
      input_tokens: inbound.input_tokens_estimate,
      max_output_tokens: maxOutput,
      now,
    },
    input.waitUntil,
  );
  if (!admission.ok) return admission;

  const scores = await state.scores.get(env.DB, now, input.waitUntil);
  const conversation = conversationContextOf(await identity, state, now);
  const routed = plan({
    candidates,
    scores: scores.map,
    live: state.live.snapshot(now),
    policy,
    profile: {
      models,
      input_tokens: inbound.input_tokens_estimate,
      output_tokens: inbound.max_output_tokens ?? ROUTING_OUTPUT_TOKENS,
      capabilities: inbound.capabilities,
      bound_dialect: inbound.bound_dialect,
    },
    now,
    random: Math.random,
    explain: input.debug,
    ...(conversation === null ? {} : { conversation }),
  });
  const headers: Record<string, string> = input.debug ? { 'x-switchboard-debug': formatExplanation(routed) } : {};
  const attempts = routed.attempts.slice(0, policy.max_attempts);
  if (attempts.length === 0) {
    await admission.value.settle(0, { input_tokens: 0, output_tokens: 0 });
    return {
      ok: false,
      error: { kind: 'invalid_request', message: `No channel for model "${input.model}" satisfies this request's routing constraints or capabilities.`, param: 'provider' },
      headers,
    };
  }
  const decision = decisionRecordOf(routed, scores.table?.version ?? 0);
  const first = attempts[0]!;
  const hedge_delay_ms = attempts.length > 1 ? hedgeDelayMs(scores.map.get(scoreKey(first.channel_id, first.model)), policy) : null;
  return { ok: true, value: { attempts, admission: admission.value, headers, decision, conversation, hedge_delay_ms } };
}

function conversationContextOf(identity: Awaited<ReturnType<typeof conversationOf>>, state: IsolateState, now: number): ConversationContext | null {
  if (identity === null) return null;
  const served = state.leases.conversations.lookup(identity.key, now);
  return { key: identity.key, last_channel_id: served?.channel_id ?? null, last_served_at: served?.served_at ?? null, prefix_tokens: identity.prefix_tokens, turn: identity.turn };
}
