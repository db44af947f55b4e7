// The shape every wire-format module implements. The only dispatch on a protocol's name is
// the `Record<Protocol, Adapter>` in registry.ts.
import type { GatewayError } from '../errors';
import type {
  CanonicalEmbeddingRequest,
  CanonicalEmbeddingResponse,
  CanonicalRequest,
  CanonicalResponse,
  CanonicalStreamEvent,
} from './canonical';
import type {
  InboundRequest,
  RenderedError,
  ResponseContext,
  Result,
  RouteContext,
  SourceEvent,
  StreamTranslator,
  TranslatedResponse,
  UpstreamFailure,
  UpstreamRequest,
  UpstreamTarget,
} from './types';

/** Upstream SSE events of one dialect → canonical events. Stateful, one per stream. */
export interface StreamDecoder {
  push(event: SourceEvent): CanonicalStreamEvent[];
  /** The body ended: a dialect without a terminal marker (Gemini) finishes here. */
  end(): CanonicalStreamEvent[];
  /**
   * True once the stream would end cleanly if the body ended now (a terminal marker, or a
   * finish reason in a dialect without one). The pipeline reads `observation.completed`
   * before calling `end()`, so this must be known while pushing.
   */
  endsCleanly(): boolean;
}

/** Canonical events → client SSE frames of one format. Stateful, one per stream. */
export interface StreamEncoder {
  encode(event: CanonicalStreamEvent): string[];
  fail(error: GatewayError): string[];
  /**
   * Set once the encoder could not express an event (e.g. tool arguments that are not a JSON
   * object for a format that carries them as objects): it has already returned the client's
   * error frame and emits nothing more. The translator records it as the attempt's failure,
   * so the attempt is never logged or charged as a success.
   */
  readonly failure?: GatewayError | null;
}

export interface Adapter {
  streamContentType: string;

  // As the client's format.
  parseInbound(body: unknown, raw: string, route: RouteContext): Result<InboundRequest>;
  toCanonical(inbound: InboundRequest): Result<CanonicalRequest>;
  renderResponse(response: CanonicalResponse, inbound: InboundRequest, context: ResponseContext): string;
  createStreamEncoder(inbound: InboundRequest, context: ResponseContext): StreamEncoder;
  renderError(error: GatewayError): RenderedError;
  /** The answer to a token-count request (`count_tokens`, `:countTokens`) in this format. */
  renderCountTokens(tokens: number, inbound: InboundRequest): string;

  // As the upstream's dialect.
  buildRequest(request: CanonicalRequest, target: UpstreamTarget): Result<UpstreamRequest>;
  readResponse(text: string): Result<CanonicalResponse>;
  createStreamDecoder(): StreamDecoder;
  classifyError(status: number, bodyText: string, headers: Headers): UpstreamFailure;

  // Same format on both sides.
  passthroughRequest(inbound: InboundRequest, target: UpstreamTarget): Result<UpstreamRequest>;
  passthroughResponse(inbound: InboundRequest, text: string, context: ResponseContext): Result<TranslatedResponse>;
  createPassthroughStream(inbound: InboundRequest, context: ResponseContext): StreamTranslator;

  /** Embeddings, for the dialects that have them. */
  embeddings?: {
    toCanonical?(inbound: InboundRequest): Result<CanonicalEmbeddingRequest>;
    renderResponse?(response: CanonicalEmbeddingResponse, inbound: InboundRequest, context: ResponseContext): string;
    buildRequest?(request: CanonicalEmbeddingRequest, target: UpstreamTarget): Result<UpstreamRequest>;
    readResponse?(text: string, request: CanonicalEmbeddingRequest): Result<CanonicalEmbeddingResponse>;
  };
}
