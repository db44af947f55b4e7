// A validated client request, as a union keyed by protocol (and, where one protocol has several
// request shapes, by operation). Each member carries zod's typed output of the schema it was
// validated against, so readers narrow on `protocol` / `operation` instead of casting `body`.
// The pipeline reads only the common fields (InboundBase).
import type { Protocol } from '../core/types';
import type { AnthropicCountTokensRequest, AnthropicMessagesRequest } from './anthropic/request-schema';
import type { GeminiBatchEmbedRequest, GeminiCountTokensRequest, GeminiEmbedRequest, GeminiGenerateRequest } from './gemini/request-schema';
import type { OpenaiChatRequest, OpenaiEmbeddingRequest } from './openai/request-schema';
import type { ResponsesRequest } from './responses/request-schema';

/** What every inbound request carries, whatever its protocol. */
export interface InboundBase {
  /** The model as the client named it (before alias resolution). */
  model: string;
  stream: boolean;
  /** OpenAI: stream_options.include_usage was requested. Anthropic and Gemini streams always carry usage. */
  include_usage: boolean;
  /**
   * The parsed JSON body exactly as the client sent it, never mutated: for whoever needs the
   * client's own fields (routing policy, passthrough edits). Protocol code reads `request`.
   */
  body: Record<string, unknown>;
  /** The exact request text, for same-dialect passthrough. */
  raw: string;
  /** Capabilities the request needs: 'tools', 'vision', 'json_mode'. */
  capabilities: string[];
  /** A cheap estimate of the input tokens (for routing and balance reservation). */
  input_tokens_estimate: number;
  /** The max output tokens the client asked for, if it did. */
  max_output_tokens: number | null;
  /**
   * The dialect whose opaque reasoning state the history carries (the newest such state), or
   * null. The router keeps the request on channels of that dialect when it has any (a hard
   * constraint); elsewhere the state is stripped (worker/protocols/shared/reasoning-state.ts).
   */
  bound_dialect: Protocol | null;
  /** Forwardable client headers (RouteContext.headers), lower-cased; {} when none. */
  headers: Record<string, string>;
  /** The client's query string without credentials (RouteContext.query), '' when none. */
  query: string;
}

export type OpenaiInbound = InboundBase &
  (
    | { protocol: 'openai'; operation: 'generate' | 'count_tokens'; request: OpenaiChatRequest }
    | { protocol: 'openai'; operation: 'embed'; request: OpenaiEmbeddingRequest }
  );

export type ResponsesInbound = InboundBase & { protocol: 'openai-responses'; operation: 'generate' | 'count_tokens'; request: ResponsesRequest };

export type AnthropicInbound = InboundBase &
  (
    | { protocol: 'anthropic'; operation: 'generate'; request: AnthropicMessagesRequest }
    | { protocol: 'anthropic'; operation: 'count_tokens'; request: AnthropicCountTokensRequest }
  );

/** `batch`: `:batchEmbedContents` (several inputs) rather than `:embedContent`. */
export type GeminiInbound = InboundBase &
  (
    | { protocol: 'gemini'; operation: 'generate'; request: GeminiGenerateRequest }
    | { protocol: 'gemini'; operation: 'count_tokens'; request: GeminiCountTokensRequest }
    | { protocol: 'gemini'; operation: 'embed'; batch: false; request: GeminiEmbedRequest }
    | { protocol: 'gemini'; operation: 'embed'; batch: true; request: GeminiBatchEmbedRequest }
  );

/** The inbound request of each protocol: adapters are typed by it (adapter.ts). */
export interface InboundRequests {
  openai: OpenaiInbound;
  'openai-responses': ResponsesInbound;
  anthropic: AnthropicInbound;
  gemini: GeminiInbound;
}

export type InboundRequest = InboundRequests[Protocol];
