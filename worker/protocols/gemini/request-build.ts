// Canonical request → a Gemini generateContent upstream request; and same-dialect passthrough.
import type { CanonicalMessage, CanonicalRequest, ImageSource } from '../canonical';
import type { InboundRequest, Result, UpstreamRequest, UpstreamTarget } from '../types';
import { joinUrl } from '../openai/request-passthrough';
import { imageFromUrl, mediaTypeFromUrl } from '../shared/images';
import { passthroughBody } from '../shared/passthrough-body';
import { invalid, isPlainObject } from '../shared/validation';
import { thinkingBudgetForEffort } from './mapping';
import { stripModelPrefix } from './request';

export function geminiHeaders(apiKey: string): Record<string, string> {
  return { 'x-goog-api-key': apiKey, 'content-type': 'application/json' };
}

export function geminiUrl(baseUrl: string, model: string, method: string): string {
  const name = encodeURIComponent(stripModelPrefix(model));
  const query = method === 'streamGenerateContent' ? '?alt=sse' : '';
  return joinUrl(baseUrl, `/v1beta/models/${name}:${method}${query}`);
}

function imagePart(source: ImageSource): Record<string, unknown> {
  const resolved = source.kind === 'url' ? imageFromUrl(source.url) : source;
  return resolved.kind === 'base64'
    ? { inlineData: { mimeType: resolved.media_type, data: resolved.data } }
    : { fileData: { mimeType: mediaTypeFromUrl(resolved.url), fileUri: resolved.url } };
}

function toolResponse(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isPlainObject(parsed)) return parsed;
  } catch {
    // Not JSON: wrapped below.
  }
  return { result: text };
}

function convertMessage(message: CanonicalMessage, index: number, names: Map<string, string>): Result<Record<string, unknown>[]> {
  const parts: Record<string, unknown>[] = [];
  if (message.role === 'assistant') {
    for (const [partIndex, part] of message.parts.entries()) {
      if (part.type === 'text') {
        if (part.text !== '') parts.push({ text: part.text });
      } else if (part.type === 'tool-call') {
        let args: unknown;
        try {
          args = part.arguments.trim() === '' ? {} : JSON.parse(part.arguments);
        } catch {
          args = undefined;
        }
        if (!isPlainObject(args)) {
          return invalid(`messages[${index}].tool_calls[${partIndex}].function.arguments`, 'Tool call arguments must be a JSON object.');
        }
        names.set(part.id, part.name);
        parts.push({ functionCall: { name: part.name, args } });
      }
      // Reasoning from earlier turns is not replayed to Gemini (its thought signatures are its own).
    }
    return { ok: true, value: parts };
  }
  for (const part of message.parts) {
    if (part.type !== 'tool-result') continue;
    const name = names.get(part.tool_call_id);
    if (name === undefined) {
      return invalid(`messages[${index}].tool_call_id`, `No earlier tool call has the id '${part.tool_call_id}'.`);
    }
    const text = part.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
    const response = part.is_error ? { error: text } : toolResponse(text);
    parts.push({ functionResponse: { name, response } });
    for (const item of part.content) if (item.type === 'image') parts.push(imagePart(item.source));
  }
  for (const part of message.parts) {
    if (part.type === 'text') {
      if (part.text !== '') parts.push({ text: part.text });
    } else if (part.type === 'image') parts.push(imagePart(part.source));
  }
  return { ok: true, value: parts };
}

function generationConfig(request: CanonicalRequest): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (request.max_output_tokens !== null) config.maxOutputTokens = request.max_output_tokens;
  if (request.temperature !== null) config.temperature = request.temperature;
  if (request.top_p !== null) config.topP = request.top_p;
  if (request.top_k !== null) config.topK = request.top_k;
  if (request.stop.length > 0) config.stopSequences = request.stop;
  if (request.seed !== null) config.seed = request.seed;
  if (request.presence_penalty !== null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty !== null) config.frequencyPenalty = request.frequency_penalty;
  const format = request.response_format;
  if (format && format.type !== 'text') {
    config.responseMimeType = 'application/json';
    if (format.type === 'json-schema') config.responseJsonSchema = format.schema;
  }
  if (request.reasoning) {
    config.thinkingConfig = {
      thinkingBudget: request.reasoning.budget_tokens ?? thinkingBudgetForEffort(request.reasoning.effort),
      includeThoughts: true,
    };
  }
  return config;
}

export function buildGeminiBody(request: CanonicalRequest): Result<Record<string, unknown>> {
  const names = new Map<string, string>();
  const contents: { role: string; parts: Record<string, unknown>[] }[] = [];
  for (const [index, message] of request.messages.entries()) {
    const converted = convertMessage(message, index, names);
    if (!converted.ok) return converted;
    if (converted.value.length === 0) continue;
    const role = message.role === 'assistant' ? 'model' : 'user';
    const previous = contents.at(-1);
    if (previous && previous.role === role) previous.parts.push(...converted.value);
    else contents.push({ role, parts: converted.value });
  }
  const body: Record<string, unknown> = { contents };
  if (request.system !== null && request.system !== '') body.systemInstruction = { parts: [{ text: request.system }] };
  if (request.tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          parametersJsonSchema: tool.parameters,
        })),
      },
    ];
  }
  const choice = request.tool_choice;
  if (choice) {
    const mode = choice.type === 'auto' ? 'AUTO' : choice.type === 'none' ? 'NONE' : 'ANY';
    body.toolConfig = {
      functionCallingConfig: choice.type === 'tool' ? { mode, allowedFunctionNames: [choice.name] } : { mode },
    };
  }
  const config = generationConfig(request);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return { ok: true, value: body };
}

export function buildGeminiRequest(request: CanonicalRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  const body = buildGeminiBody(request);
  if (!body.ok) return body;
  return {
    ok: true,
    value: {
      url: geminiUrl(target.base_url, target.upstream_model, request.stream ? 'streamGenerateContent' : 'generateContent'),
      headers: geminiHeaders(target.api_key),
      body: JSON.stringify(body.value),
    },
  };
}

export function passthroughGeminiRequest(inbound: InboundRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  const body = passthroughBody(inbound.raw, {});
  if (!body.ok) return body;
  return {
    ok: true,
    value: {
      url: geminiUrl(target.base_url, target.upstream_model, inbound.stream ? 'streamGenerateContent' : 'generateContent'),
      headers: geminiHeaders(target.api_key),
      body: body.value,
    },
  };
}
