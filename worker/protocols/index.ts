// The protocol layer's public surface (contract: ./types.ts). Same-dialect traffic is passed
// through with the fewest possible edits; anything else goes client format → canonical →
// upstream dialect and back, event by event for streams.
import type { Protocol } from '../core/types';
import type { GatewayError } from '../errors';
import type { ResponsePart } from './canonical';
import type { Adapter } from './adapter';
import { adapters } from './registry';
import { STATE_ENVELOPE_PREFIX } from './shared/reasoning-state';
import { parseToolArguments } from './shared/tool-arguments';
import { malformedUpstream } from './shared/upstream-failure';
import { createTranslatingStream } from './shared/stream-translator';
import type {
  InboundRequest,
  RenderedError,
  ResponseContext,
  Result,
  RouteContext,
  StreamTranslator,
  TranslatedResponse,
  UpstreamFailure,
  UpstreamRequest,
  UpstreamTarget,
} from './types';

export type * from './types';

/**
 * The adapter of a protocol. Called with a request's own `protocol`, it takes that request:
 * `adapters[protocol]` is typed per protocol (registry.ts), so no cast is needed to pass an
 * InboundRequest on.
 */
function adapterFor<P extends Protocol>(protocol: P): Adapter<P> {
  return adapters[protocol];
}

export function parseInbound(protocol: Protocol, body: unknown, raw: string, route: RouteContext): Result<InboundRequest> {
  return adapterFor(protocol).parseInbound(body, raw, route);
}

export function buildUpstreamRequest(inbound: InboundRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  if (inbound.operation === 'count_tokens') {
    return { ok: false, error: { kind: 'invalid_request', message: 'count_tokens is answered locally, never sent upstream.' } };
  }
  if (inbound.protocol === target.dialect && !carriesForeignState(inbound)) return adapterFor(target.dialect).passthroughRequest(inbound, target);
  const client = adapterFor(inbound.protocol);
  const upstream = adapterFor(target.dialect);
  if (inbound.operation === 'embed') {
    const toCanonical = client.embeddings?.toCanonical;
    const build = upstream.embeddings?.buildRequest;
    if (!toCanonical || !build) return unsupportedEmbeddings(target.dialect);
    const request = toCanonical(inbound);
    return request.ok ? build(request.value, target) : request;
  }
  const request = client.toCanonical(inbound);
  return request.ok ? upstream.buildRequest(request.value, target) : request;
}

/**
 * Reasoning state another dialect made travels in an `sb1.` envelope (shared/reasoning-state.ts).
 * Passed through as it is, a channel would reject it (an invalid signature is a 400), so such a
 * request takes the canonical path, which unwraps state of the channel's own dialect and
 * strips the rest. A stray match in ordinary text costs only byte fidelity, never correctness.
 */
function carriesForeignState(inbound: InboundRequest): boolean {
  return inbound.raw.includes(`"${STATE_ENVELOPE_PREFIX}`);
}

function unsupportedEmbeddings(dialect: Protocol): { ok: false; error: GatewayError } {
  return {
    ok: false,
    error: { kind: 'unsupported', message: `Embeddings cannot be served by a ${dialect} channel.`, param: 'model' },
  };
}

export function translateResponse(
  inbound: InboundRequest,
  dialect: Protocol,
  upstreamText: string,
  context: ResponseContext,
): Result<Required<TranslatedResponse>> {
  if (inbound.protocol === dialect) {
    const passed = adapterFor(dialect).passthroughResponse(inbound, upstreamText, context);
    if (!passed.ok) return passed;
    // Only an answer without usage needs its characters counted: read it once more, canonically.
    const generated = passed.value.usage !== null || inbound.operation === 'embed' ? null : adapterFor(dialect).readResponse(upstreamText);
    const output_characters = generated?.ok ? outputCharacters(generated.value.parts) : 0;
    return { ok: true, value: { ...passed.value, output_characters } };
  }
  const client = adapterFor(inbound.protocol);
  const upstream = adapterFor(dialect);
  if (inbound.operation === 'embed') {
    const toCanonical = client.embeddings?.toCanonical;
    const read = upstream.embeddings?.readResponse;
    const render = client.embeddings?.renderResponse;
    if (!toCanonical || !read || !render) return unsupportedEmbeddings(dialect);
    const request = toCanonical(inbound);
    if (!request.ok) return request;
    const response = read(upstreamText, request.value);
    if (!response.ok) return response;
    return {
      ok: true,
      value: { body: render(response.value, inbound, context), usage: response.value.usage, finish_reason: null, output_characters: 0 },
    };
  }
  const response = upstream.readResponse(upstreamText);
  if (!response.ok) return response;
  const unreadable = response.value.parts.find((part) => part.type === 'tool-call' && !parseToolArguments(part.arguments).ok);
  // Tool arguments every client format must parse: a broken answer is the upstream's failure (retried), never `{}`.
  if (unreadable !== undefined) return { ok: false, error: malformedUpstream('tool call arguments are not a JSON object') };
  return {
    ok: true,
    value: {
      body: client.renderResponse(response.value, inbound, context),
      usage: response.value.usage,
      finish_reason: response.value.finish_reason,
      output_characters: outputCharacters(response.value.parts),
    },
  };
}

/** What the model generated, in characters: text, reasoning, tool names and arguments (as a stream counts them). */
function outputCharacters(parts: readonly ResponsePart[]): number {
  let characters = 0;
  for (const part of parts) {
    characters += part.type === 'tool-call' ? part.name.length + part.arguments.length : part.text.length;
  }
  return characters;
}

export function createStreamTranslator(inbound: InboundRequest, dialect: Protocol, context: ResponseContext): StreamTranslator {
  if (inbound.protocol === dialect) return adapterFor(dialect).createPassthroughStream(inbound, context);
  return createTranslatingStream(
    adapterFor(dialect).createStreamDecoder(),
    adapterFor(inbound.protocol).createStreamEncoder(inbound, context),
  );
}

export function classifyUpstreamError(dialect: Protocol, status: number, bodyText: string, headers: Headers): UpstreamFailure {
  return adapterFor(dialect).classifyError(status, bodyText, headers);
}

export function renderError(protocol: Protocol, error: GatewayError): RenderedError {
  return adapterFor(protocol).renderError(error);
}

export function renderCountTokens(inbound: InboundRequest, tokens: number): string {
  return adapterFor(inbound.protocol).renderCountTokens(tokens, inbound);
}

export function streamContentType(protocol: Protocol): string {
  return adapterFor(protocol).streamContentType;
}
