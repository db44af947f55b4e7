// Gemini as the client's format: validate the body (model and stream come from the path) for
// every method a Gemini route serves: generateContent / streamGenerateContent, countTokens,
// embedContent and batchEmbedContents.
import type { ReasoningState } from '../canonical';
import type { GeminiInbound } from '../inbound';
import type { Result, RouteContext } from '../types';
import { estimateTokens } from '../shared/estimate';
import { newestStateDialect, stateFromClient } from '../shared/reasoning-state';
import { isPlainObject, validate } from '../shared/validation';
import {
  geminiBatchEmbedRequest,
  geminiCountTokensRequest,
  geminiEmbedRequest,
  geminiGenerateRequest,
  type GeminiEmbedRequest,
  type GeminiGenerateRequest,
  type GeminiPart,
} from './request-schema';

export function stripModelPrefix(model: string): string {
  return model.startsWith('models/') ? model.slice('models/'.length) : model;
}

function capabilities(request: GeminiGenerateRequest): string[] {
  const output: string[] = [];
  if (request.tools?.some((tool) => (tool.functionDeclarations?.length ?? 0) > 0)) output.push('tools');
  const vision = request.contents.some((content) =>
    content.parts.some(
      (part) => part.inlineData?.mimeType.startsWith('image/') === true || part.fileData?.mimeType?.startsWith('image/') === true,
    ),
  );
  if (vision) output.push('vision');
  if (request.generationConfig?.responseMimeType === 'application/json') output.push('json_mode');
  return output;
}

/** A part's `thoughtSignature` as reasoning state (native Gemini state, or an envelope of another dialect's). */
export function partState(part: GeminiPart): ReasoningState | undefined {
  const value = part.thoughtSignature;
  return typeof value === 'string' && value !== '' ? stateFromClient('gemini', value, { kind: 'thought_signature' }) : undefined;
}

function boundDialect(request: Pick<GeminiGenerateRequest, 'contents'>): GeminiInbound['bound_dialect'] {
  return newestStateDialect(request.contents.flatMap((content) => content.parts.map(partState)));
}

function base(body: Record<string, unknown>, raw: string, route: RouteContext, model: string) {
  return { protocol: 'gemini' as const, model, body, raw, headers: route.headers ?? {}, query: route.query ?? '' };
}

function parseGenerate(body: Record<string, unknown>, raw: string, route: RouteContext, model: string): Result<GeminiInbound> {
  const parsed = validate(geminiGenerateRequest, body);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  return {
    ok: true,
    value: {
      ...base(body, raw, route, model),
      operation: 'generate',
      request,
      stream: route.path_stream === true,
      include_usage: route.path_stream === true,
      capabilities: capabilities(request),
      input_tokens_estimate:
        estimateTokens(body.contents) + estimateTokens(body.systemInstruction ?? null) + estimateTokens(body.tools ?? null),
      max_output_tokens: request.generationConfig?.maxOutputTokens ?? null,
      bound_dialect: boundDialect(request),
    },
  };
}

function parseCountTokens(body: Record<string, unknown>, raw: string, route: RouteContext, model: string): Result<GeminiInbound> {
  const parsed = validate(geminiCountTokensRequest, body);
  if (!parsed.ok) return parsed;
  const inner = parsed.value.generateContentRequest;
  const counted = inner ? { contents: inner.contents, systemInstruction: inner.systemInstruction, tools: inner.tools } : { contents: parsed.value.contents };
  return {
    ok: true,
    value: {
      ...base(body, raw, route, model),
      operation: 'count_tokens',
      request: parsed.value,
      stream: false,
      include_usage: false,
      capabilities: [],
      input_tokens_estimate: estimateTokens(counted),
      max_output_tokens: null,
      bound_dialect: null,
    },
  };
}

/** The text one embedding request embeds (`:embedContent`, or one entry of `:batchEmbedContents`). */
export function embedText(request: GeminiEmbedRequest): string {
  return request.content.parts.map((part) => part.text).join('');
}

function parseEmbed(body: Record<string, unknown>, raw: string, route: RouteContext, model: string): Result<GeminiInbound> {
  const common = { ...base(body, raw, route, model), operation: 'embed' as const, stream: false, include_usage: false, capabilities: [], max_output_tokens: null, bound_dialect: null };
  if (route.path_batch === true) {
    const parsed = validate(geminiBatchEmbedRequest, body);
    if (!parsed.ok) return parsed;
    const texts = parsed.value.requests.map(embedText);
    return { ok: true, value: { ...common, batch: true, request: parsed.value, input_tokens_estimate: estimateTokens(texts) } };
  }
  const parsed = validate(geminiEmbedRequest, body);
  if (!parsed.ok) return parsed;
  return { ok: true, value: { ...common, batch: false, request: parsed.value, input_tokens_estimate: estimateTokens([embedText(parsed.value)]) } };
}

export function parseGeminiInbound(body: unknown, raw: string, route: RouteContext): Result<GeminiInbound> {
  if (!isPlainObject(body)) {
    return { ok: false, error: { kind: 'invalid_request', message: 'The request body must be a JSON object.' } };
  }
  const model = route.path_model === undefined ? '' : stripModelPrefix(route.path_model);
  if (model === '' || model.length > 256) {
    return { ok: false, error: { kind: 'invalid_request', message: 'The model must be named in the path.', param: 'model' } };
  }
  switch (route.operation) {
    case 'generate':
      return parseGenerate(body, raw, route, model);
    case 'count_tokens':
      return parseCountTokens(body, raw, route, model);
    case 'embed':
      return parseEmbed(body, raw, route, model);
  }
}
