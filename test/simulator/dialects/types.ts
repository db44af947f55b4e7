// What a dialect module provides and returns. Dialects are pure: the server turns their
// responses into bytes on the wire, with the provider's timing and failures applied.
import type { RandomSource } from '../../../worker/core/types';
import type { ProviderBehaviour } from '../behaviour';
import type { Conversation, PlanOptions } from '../reply-plan';

export interface DialectRoute {
  /** Dialect-specific endpoint name, e.g. "chat", "embeddings", "count-tokens". */
  endpoint: string;
  /** Model from the path (Gemini). */
  model?: string;
  /** Streaming decided by the path (Gemini); otherwise by the body. */
  stream?: boolean;
  /** Gemini: `?alt=sse`. */
  sse?: boolean;
}

export interface JsonReply {
  kind: 'json';
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Tokens generated for this reply: with pacing, the reply waits for all of them. */
  outputTokens: number;
}

export interface StreamFrame {
  text: string;
  /** Output tokens this frame carries; the first frame with tokens is sent at TTFT. */
  tokens: number;
}

export interface StreamReply {
  kind: 'stream';
  contentType: string;
  frames: StreamFrame[];
  headers?: Record<string, string>;
}

export type DialectReply = JsonReply | StreamReply;

export interface DialectContext {
  behaviour: ProviderBehaviour;
  /** The provider's effective seed. */
  seed: number;
  /** Sequence-dependent randomness (ids); reply content is seeded from the prompt instead. */
  random: RandomSource;
  /** Prompt-cache lookup: true when this text was seen before by the provider; remembers it. */
  seenPrefix(text: string): boolean;
  /**
   * The provider's timed prompt cache (behaviour `prompt_cache`), when configured: cached input
   * tokens of this request, remembering its prefixes. Absent: the default cache above.
   */
  timedCache?: (conversation: Conversation, inputTokens: number) => number;
}

export interface Dialect {
  route(method: string, path: string, query: URLSearchParams): DialectRoute | undefined;
  handle(route: DialectRoute, body: unknown, context: DialectContext): DialectReply;
  /** An error in the dialect's own shape. */
  error(status: number, message: string): JsonReply;
  /** Answer for a path this dialect does not serve. */
  notFound(method: string, path: string): JsonReply;
  /**
   * The provider's stream_error_status: a streamed request gets 200 and the dialect's own
   * in-stream error (the provider's real body for that status), others that status.
   */
  serviceError(route: DialectRoute, body: unknown, status: number): DialectReply;
}

/** What planReply needs from the provider's behaviour. */
export function planOptions(context: DialectContext): PlanOptions {
  return { outputTokens: context.behaviour.output_tokens, seed: context.seed, autoToolCall: context.behaviour.auto_tool_call };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
