// Gemini as the client's format: validate the body (model and stream come from the path).
import type { InboundRequest, Result, RouteContext } from '../types';
import { estimateTokens } from '../shared/estimate';
import { isPlainObject, validate } from '../shared/validation';
import { geminiGenerateRequest, type GeminiGenerateRequest } from './request-schema';

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

export function parseGeminiInbound(body: unknown, raw: string, route: RouteContext): Result<InboundRequest> {
  if (!isPlainObject(body)) {
    return { ok: false, error: { kind: 'invalid_request', message: 'The request body must be a JSON object.' } };
  }
  const model = route.path_model === undefined ? '' : stripModelPrefix(route.path_model);
  if (model === '' || model.length > 256) {
    return { ok: false, error: { kind: 'invalid_request', message: 'The model must be named in the path.', param: 'model' } };
  }
  if (route.operation !== 'generate') {
    return { ok: false, error: { kind: 'not_found', message: 'Only generateContent and streamGenerateContent are served.' } };
  }
  const parsed = validate(geminiGenerateRequest, body);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  return {
    ok: true,
    value: {
      protocol: 'gemini',
      operation: 'generate',
      model,
      stream: route.path_stream === true,
      include_usage: route.path_stream === true,
      body,
      raw,
      capabilities: capabilities(request),
      input_tokens_estimate:
        estimateTokens(body.contents) + estimateTokens(body.systemInstruction ?? null) + estimateTokens(body.tools ?? null),
      max_output_tokens: request.generationConfig?.maxOutputTokens ?? null,
      bound_dialect: null,
      headers: route.headers ?? {},
      query: route.query ?? '',
    },
  };
}

export function generateBody(body: Record<string, unknown>): GeminiGenerateRequest {
  return body as GeminiGenerateRequest;
}
