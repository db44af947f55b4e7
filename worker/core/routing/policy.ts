// The effective routing policy of one request: config defaults ← group ← key ← request.
// Operators' layers share one schema (policyLayerSchema, reused by the config loader); the
// client's body is read for OpenRouter's `models` and `provider` and Switchboard's `route`,
// strictly on the values we read: an invalid one is an error naming its param.
import { z } from 'zod';
import type { RoutingPolicy, RoutingWeights } from './types';

export const routingModeSchema = z.enum(['economy', 'balanced', 'performance', 'stability']);

export const routingWeightsSchema = z.strictObject({
  margin: z.number().min(0).max(100).optional(),
  ttft: z.number().min(0).max(100).optional(),
  throughput: z.number().min(0).max(100).optional(),
  reliability: z.number().min(0).max(100).optional(),
});

export const policyLayerSchema = z.strictObject({
  mode: routingModeSchema.optional(),
  weights: routingWeightsSchema.optional(),
  max_attempts: z.number().int().min(1).max(10).optional(),
  max_ttft_ms: z.number().int().min(1).max(600_000).optional(),
  temperature: z.number().min(0.001).max(100).optional(),
  exploration: z.number().min(0).max(0.5).optional(),
});

export type PolicyLayer = z.infer<typeof policyLayerSchema>;

const channelList = z.array(z.string().min(1).max(256)).max(256);
const usdPerMtok = z.number().finite().min(0);

/** OpenRouter's `provider`: fields we do not act on (quantizations, data_collection…) pass. */
export const providerPreferencesSchema = z.looseObject({
  order: channelList.optional(),
  only: channelList.optional(),
  ignore: channelList.optional(),
  allow_fallbacks: z.boolean().optional(),
  sort: z.enum(['price', 'latency', 'throughput']).optional(),
  max_price: z.looseObject({ prompt: usdPerMtok.optional(), completion: usdPerMtok.optional() }).optional(),
});

/** Switchboard's own `route` extension: what a client may set (temperature stays with operators). */
export const routeRequestSchema = z.strictObject({
  mode: routingModeSchema.optional(),
  weights: routingWeightsSchema.optional(),
  max_ttft_ms: z.number().int().min(1).max(600_000).optional(),
});

export const MAX_FALLBACK_MODELS = 10;

const requestRoutingSchema = z.looseObject({
  models: z.array(z.string().min(1).max(256)).max(MAX_FALLBACK_MODELS).optional(),
  provider: providerPreferencesSchema.optional(),
  route: routeRequestSchema.optional(),
});

export const DEFAULT_POLICY: RoutingPolicy = { mode: 'balanced', max_attempts: 3 };

export interface PolicyLayers {
  config?: PolicyLayer;
  group?: PolicyLayer;
  key?: PolicyLayer;
  /** The client's whole request body; only models, provider and route are read. */
  request?: unknown;
}

export type ResolvedPolicy =
  | { ok: true; value: { policy: RoutingPolicy; models: string[] } }
  | { ok: false; error: { message: string; param: string } };

export function resolvePolicy(layers: PolicyLayers): ResolvedPolicy {
  let models: string[] = [];
  let route: z.infer<typeof routeRequestSchema> | undefined;
  let provider: z.infer<typeof providerPreferencesSchema> | undefined;
  if (isObject(layers.request)) {
    const parsed = requestRoutingSchema.safeParse(layers.request);
    if (!parsed.success) return { ok: false, error: describe(parsed.error.issues) };
    models = parsed.data.models ?? [];
    route = parsed.data.route;
    provider = parsed.data.provider;
  }
  const policy: RoutingPolicy = { ...DEFAULT_POLICY };
  for (const layer of [layers.config, layers.group, layers.key, route]) {
    if (layer !== undefined) apply(policy, layer);
  }
  if (provider !== undefined) policy.provider = providerOf(provider);
  return { ok: true, value: { policy, models } };
}

function apply(policy: RoutingPolicy, layer: PolicyLayer): void {
  if (layer.mode !== undefined) policy.mode = layer.mode;
  if (layer.weights !== undefined) policy.weights = mergeWeights(policy.weights, layer.weights);
  if (layer.max_attempts !== undefined) policy.max_attempts = layer.max_attempts;
  if (layer.max_ttft_ms !== undefined) policy.max_ttft_ms = layer.max_ttft_ms;
  if (layer.temperature !== undefined) policy.temperature = layer.temperature;
  if (layer.exploration !== undefined) policy.exploration = layer.exploration;
}

function mergeWeights(base: RoutingWeights | undefined, layer: RoutingWeights): RoutingWeights {
  const merged: RoutingWeights = { ...base };
  if (layer.margin !== undefined) merged.margin = layer.margin;
  if (layer.ttft !== undefined) merged.ttft = layer.ttft;
  if (layer.throughput !== undefined) merged.throughput = layer.throughput;
  if (layer.reliability !== undefined) merged.reliability = layer.reliability;
  return merged;
}

function providerOf(provider: z.infer<typeof providerPreferencesSchema>): NonNullable<RoutingPolicy['provider']> {
  const result: NonNullable<RoutingPolicy['provider']> = {};
  if (provider.order !== undefined) result.order = provider.order;
  if (provider.only !== undefined) result.only = provider.only;
  if (provider.ignore !== undefined) result.ignore = provider.ignore;
  if (provider.allow_fallbacks !== undefined) result.allow_fallbacks = provider.allow_fallbacks;
  if (provider.sort !== undefined) result.sort = provider.sort;
  if (provider.max_price !== undefined) {
    const { prompt, completion } = provider.max_price;
    result.max_price = {};
    if (prompt !== undefined) result.max_price.prompt = prompt;
    if (completion !== undefined) result.max_price.completion = completion;
  }
  return result;
}

function describe(issues: readonly z.core.$ZodIssue[]): { message: string; param: string } {
  const issue = issues[0];
  if (issue === undefined) return { message: 'Invalid routing fields.', param: '' };
  let param = '';
  for (const segment of issue.path) {
    if (typeof segment === 'number') param += `[${segment}]`;
    else param += param === '' ? String(segment) : `.${String(segment)}`;
  }
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    const key = issue.keys[0]!;
    param = param === '' ? key : `${param}.${key}`;
    return { message: `Unknown field '${param}'.`, param };
  }
  return { message: `Invalid value for '${param}': ${issue.message}`, param };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
