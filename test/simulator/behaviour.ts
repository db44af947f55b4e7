// What a simulated provider is and how it misbehaves: the zod schemas shared by fleet files,
// the control API and startSimulator. Strict objects, so a typo is a 400 naming the field.
import { z } from 'zod';
import type { Protocol } from '../../worker/core/types';

const protocolSchema = z.enum(['openai', 'openai-responses', 'anthropic', 'gemini'] as const satisfies readonly Protocol[]);

/** Behaviour fields as in the contract; absent optional fields mean "no limit". */
export const providerBehaviourSchema = z.strictObject({
  dialect: protocolSchema,
  /** Delay before the first token (streams) or before the whole reply (non-streaming). */
  ttft_ms: z.number().min(0).default(0),
  /** TTFT varies uniformly within ttft_ms ± ttft_jitter_ms (never below 0). */
  ttft_jitter_ms: z.number().min(0).default(0),
  /** Output pacing after the first token; 0 means no pacing. */
  tokens_per_s: z.number().min(0).default(0),
  /** Default reply length in tokens (one word is one token). */
  output_tokens: z.number().int().min(0).default(64),
  error_rate: z.number().min(0).max(1).default(0),
  error_status: z.number().int().min(400).max(599).default(500),
  /** Token bucket: rate_limit_rps per second, burst of the same size (at least 1). */
  rate_limit_rps: z.number().positive().optional(),
  max_concurrency: z.number().int().min(0).optional(),
  /** Every connection is destroyed at once, without a response. */
  down: z.boolean().default(false),
  /** Requests are read and never answered, until the client goes away. */
  hang: z.boolean().default(false),
  fail_mid_stream_rate: z.number().min(0).max(1).default(0),
  /** The provider reports no usage at all (some OpenAI-compatible servers do), streamed or not. */
  omit_usage: z.boolean().default(false),
  /**
   * Streams answer HTTP 200, then the dialect's in-stream error for this status before any
   * token; other requests answer this status. Real providers do this, e.g. a bad key on some
   * OpenAI-compatible servers, so gateways must not read "200" as success.
   */
  stream_error_status: z.number().int().min(400).max(599).optional(),
  /** When tools are offered and the last message is not a tool result, call the first one. */
  auto_tool_call: z.boolean().default(false),
  /** Overrides the simulator's seed for this provider. */
  seed: z.number().int().optional(),
  /**
   * A prompt cache with a lifetime (timed-prompt-cache.ts), replacing the default one: every
   * dialect reports its reads (OpenAI and Responses cached_tokens, Anthropic
   * cache_read_input_tokens, Gemini cachedContentTokenCount), and a warm request's TTFT is
   * scaled by 1 − warm share × (1 − warm_ttft_factor). Absent: the default cache, TTFT unchanged.
   */
  prompt_cache: z
    .strictObject({ ttl_s: z.number().min(0).default(300), warm_ttft_factor: z.number().min(0).max(1).default(0.3) })
    .optional(),
  /** Model ids listed by GET /v1/models (openai and openai-responses). Every model name is served anyway. */
  models: z.array(z.string().min(1)).optional(),
});

export type ProviderBehaviour = z.output<typeof providerBehaviourSchema>;
export type ProviderBehaviourInput = z.input<typeof providerBehaviourSchema>;

export const providerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only, not starting with a symbol');

export const providerSpecSchema = providerBehaviourSchema.extend({ name: providerNameSchema });

/** A provider as written in a fleet file or given to startSimulator: a name plus its behaviour. */
export type ProviderSpec = z.input<typeof providerSpecSchema>;

/** PATCH bodies: any subset of the fields; null removes an optional field or restores a default. */
export const providerPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(providerBehaviourSchema.shape).map(([key]) => [key, z.unknown().optional()]),
  ),
);

export const fleetSchema = z
  .strictObject({ providers: z.array(providerSpecSchema) })
  .superRefine((fleet, context) => {
    const seen = new Set<string>();
    fleet.providers.forEach((provider, index) => {
      if (seen.has(provider.name)) {
        context.addIssue({ code: 'custom', message: `duplicate provider name "${provider.name}"`, path: ['providers', index, 'name'] });
      }
      seen.add(provider.name);
    });
  });

export type Fleet = z.input<typeof fleetSchema>;

/** "field.path: message" for the first few issues, so a 400 names the bad field. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${path ? `${path}.` : ''}${key}: unknown field`).join('; ');
      }
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
