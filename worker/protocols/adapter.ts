// The shape every wire-format module implements. The only dispatch on a protocol's name is
// the `Record<Protocol, Adapter>` in registry.ts.
import type { Protocol } from '../core/types';
import type { GatewayError } from '../errors';
import type {
  CanonicalEmbeddingRequest,
  CanonicalEmbeddingResponse,
  CanonicalRequest,
  CanonicalResponse,
  CanonicalStreamEvent,
} from './canonical';
import type {
  InboundRequests,
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

/**
 * One wire format, typed by its protocol: whatever takes a client request takes that
 * protocol's own (InboundRequests[P]), so it reads the typed `request` without a cast.
 */
export interface Adapter<P extends Protocol = Protocol> {
  streamContentType: string;

  // As the client's format.
  parseInbound(body: unknown, raw: string, route: RouteContext): Result<InboundRequests[P]>;
  toCanonical(inbound: InboundRequests[P]): Result<CanonicalRequest>;
  renderResponse(response: CanonicalResponse, inbound: InboundRequests[P], context: ResponseContext): string;
  createStreamEncoder(inbound: InboundRequests[P], context: ResponseContext): StreamEncoder;
  renderError(error: GatewayError): RenderedError;
  /** The answer to a token-count request (`count_tokens`, `:countTokens`) in this format. */
  renderCountTokens(tokens: number, inbound: InboundRequests[P]): string;

  // As the upstream's dialect.
  buildRequest(request: CanonicalRequest, target: UpstreamTarget): Result<UpstreamRequest>;
  readResponse(text: string): Result<CanonicalResponse>;
  createStreamDecoder(): StreamDecoder;
  classifyError(status: number, bodyText: string, headers: Headers): UpstreamFailure;

  // Same format on both sides.
  passthroughRequest(inbound: InboundRequests[P], target: UpstreamTarget): Result<UpstreamRequest>;
  passthroughResponse(inbound: InboundRequests[P], text: string, context: ResponseContext): Result<TranslatedResponse>;
  createPassthroughStream(inbound: InboundRequests[P], context: ResponseContext): StreamTranslator;

  /** Embeddings, for the dialects that have them. */
  embeddings?: {
    toCanonical?(inbound: InboundRequests[P]): Result<CanonicalEmbeddingRequest>;
    renderResponse?(response: CanonicalEmbeddingResponse, inbound: InboundRequests[P], context: ResponseContext): string;
    buildRequest?(request: CanonicalEmbeddingRequest, target: UpstreamTarget): Result<UpstreamRequest>;
    readResponse?(text: string, request: CanonicalEmbeddingRequest): Result<CanonicalEmbeddingResponse>;
  };
}
