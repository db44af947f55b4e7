// The protocol layer's contract with the request pipeline (worker/pipeline/*). The pipeline
// does the I/O (auth, routing, fetch, retries, logging, timing); everything about wire
// formats lives behind these functions, exported from worker/protocols/index.ts.
import type { ErrorClass, Protocol, TokenPrice, Usage } from '../core/types';
import type { GatewayError } from '../errors';

export type Result<T, E = GatewayError> = { ok: true; value: T } | { ok: false; error: E };

/** What the client's route tells us besides the body (Gemini puts model and stream in the path). */
export interface RouteContext {
  /** The model named in the path (Gemini), if any. */
  path_model?: string;
  /** True for :streamGenerateContent. */
  path_stream?: boolean;
  /** The operation: chat-like generation, embeddings, or a local token count. */
  operation: 'generate' | 'embed' | 'count_tokens';
  /** Gemini :batchEmbedContents (several inputs in one call) rather than :embedContent. */
  path_batch?: boolean;
  /**
   * Client headers a same-dialect upstream may need (e.g. `anthropic-beta`, `anthropic-version`),
   * lower-cased. Only the headers the route chose to keep; never a credential.
   */
  headers?: Record<string, string>;
  /** The client's query string without credentials (e.g. Anthropic's `beta=true`), '' when none. */
  query?: string;
}

/** A validated client request (worker/protocols/inbound.ts): the common fields the pipeline reads, and the typed request. */
export type { InboundRequest, InboundRequests } from './inbound';

/** Where and how to reach one channel. */
export interface UpstreamTarget {
  dialect: Protocol;
  base_url: string;
  upstream_model: string;
  /** The resolved credential (never logged). */
  api_key: string;
}

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Identity of the response we render to the client. */
export interface ResponseContext {
  request_id: string;
  /** The model name to show the client (the catalog id it asked for). */
  model: string;
  /** Epoch ms when the request arrived. */
  created_ms: number;
  /** Channel id, for the OpenAI `provider` field. */
  channel_id: string;
  /** What we charge the caller per token, for `usage.cost` in OpenAI-format answers. */
  price: TokenPrice;
}

export interface TranslatedResponse {
  /** The body to send the client, already serialised. */
  body: string;
  usage: Usage | null;
  finish_reason: string | null;
  /**
   * Characters of generated text, reasoning and tool calls (names and arguments) in the
   * answer: the basis of the documented estimate (about four characters a token) when the
   * upstream reports no usage. 0 for embeddings. Adapters leave it out; translateResponse
   * (index.ts) always fills it in.
   */
  output_characters?: number;
}

/** Facts the pipeline needs from a stream, gathered while it passes through. */
export interface StreamObservation {
  /** Set once the first content (text, tool call or reasoning) event went by. */
  first_token: boolean;
  usage: Usage | null;
  finish_reason: string | null;
  /** An error event the upstream sent inside the stream (e.g. Anthropic `overloaded_error`). */
  upstream_error: GatewayError | null;
  /** True once the upstream's terminal event was seen (a clean finish). */
  completed: boolean;
  /**
   * Characters of generated text, reasoning and tool arguments seen so far: the basis of the
   * documented estimate (about four characters a token) when the upstream reports no usage.
   */
  output_characters: number;
}

/** One upstream SSE event as eventsource-parser yields it. */
export interface SourceEvent {
  event?: string;
  data: string;
}

/**
 * Upstream SSE events in → client SSE frames out (complete `event:`/`data:` frames, ready to
 * encode). Never throws: an unparseable upstream event becomes an error observation.
 */
export interface StreamTranslator {
  push(event: SourceEvent): string[];
  /** The upstream body ended. Returns closing frames (e.g. `data: [DONE]`) if it ended cleanly. */
  end(): string[];
  /** The stream broke after the first byte: the client protocol's error event, never a clean finish. */
  fail(error: GatewayError): string[];
  readonly observation: StreamObservation;
}

/** An upstream's error, classified and re-expressed for any client. */
export interface UpstreamFailure {
  /** Status to show the client (normalised: e.g. Anthropic 529 → 503). */
  status: number;
  error_class: ErrorClass;
  /** Short, credential-free message. */
  message: string;
  retry_after_s?: number;
}

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}
