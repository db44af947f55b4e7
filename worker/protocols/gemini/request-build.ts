// Canonical request → a Gemini generateContent upstream request; and same-dialect passthrough.
import type { CanonicalMessage, CanonicalRequest, ImageSource, ReasoningState } from '../canonical';
import type { GeminiInbound } from '../inbound';
import type { Result, UpstreamRequest, UpstreamTarget } from '../types';
import { joinUrl } from '../shared/upstream-http';
import { imageFromUrl, mediaTypeFromUrl } from '../shared/images';
import { passthroughBody } from '../shared/passthrough-body';
import { budgetForEffort } from '../shared/reasoning-effort';
import { stateForUpstream } from '../shared/reasoning-state';
import { parseToolArguments } from '../shared/tool-arguments';
import { mergeTurns, toolResultsFirst, type Turn } from '../shared/turns';
import { invalid, isPlainObject } from '../shared/validation';
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

function signed(part: Record<string, unknown>, state: ReasoningState | undefined): Record<string, unknown> {
  const own = stateForUpstream('gemini', state);
  return own ? { ...part, thoughtSignature: own.value } : part;
}

interface ModelItem {
  kind: 'text' | 'call' | 'thought' | 'carrier';
  part: Record<string, unknown>;
}

/**
 * Where a bare Gemini signature (reasoning with text '', the form other client formats hand
 * a signature back in) goes: onto a neighbouring function call without one (Gemini checks
 * signatures on function calls and signs the first call of a turn), else a neighbouring text
 * part. The part before it is tried first: our stream encoders emit state right after its
 * part (./stream.ts); a non-streamed answer may have put it just before.
 */
function carrierTarget(items: ModelItem[], index: number): ModelItem | undefined {
  const free = (item: ModelItem | undefined, kind: ModelItem['kind']): boolean => item?.kind === kind && item.part.thoughtSignature === undefined;
  const before = items[index - 1];
  const after = items[index + 1];
  for (const kind of ['call', 'text'] as const) {
    if (free(before, kind)) return before;
    if (free(after, kind)) return after;
  }
  return undefined;
}

/**
 * A model turn. Gemini state goes back on exactly the part it came with; any other dialect's
 * state is stripped. Reasoning is replayed only when it carries Gemini state: as a thought
 * part with its text, or, when its text is '', onto the part it belongs to (carrierTarget).
 */
function modelParts(message: Extract<CanonicalMessage, { role: 'assistant' }>, index: number, names: Map<string, string>): Result<Record<string, unknown>[]> {
  const items: ModelItem[] = [];
  for (const [partIndex, part] of message.parts.entries()) {
    if (part.type === 'text') {
      if (part.text !== '' || stateForUpstream('gemini', part.state)) items.push({ kind: 'text', part: signed({ text: part.text }, part.state) });
    } else if (part.type === 'tool-call') {
      const args = parseToolArguments(part.arguments);
      if (!args.ok) {
        return invalid(`messages[${index}].tool_calls[${partIndex}].function.arguments`, 'Tool call arguments must be a JSON object.');
      }
      names.set(part.id, part.name);
      items.push({ kind: 'call', part: signed({ functionCall: { name: part.name, args: args.value } }, part.state) });
    } else {
      const own = stateForUpstream('gemini', part.state);
      if (own && part.text !== '') items.push({ kind: 'thought', part: { text: part.text, thought: true, thoughtSignature: own.value } });
      else if (own) items.push({ kind: 'carrier', part: { text: '', thoughtSignature: own.value } });
    }
  }
  const parts: Record<string, unknown>[] = [];
  for (const [itemIndex, item] of items.entries()) {
    const target = item.kind === 'carrier' ? carrierTarget(items, itemIndex) : undefined;
    if (target) target.part.thoughtSignature = item.part.thoughtSignature;
    else parts.push(item.part);
  }
  return { ok: true, value: parts };
}

function convertMessage(message: CanonicalMessage, index: number, names: Map<string, string>): Result<Record<string, unknown>[]> {
  if (message.role === 'assistant') return modelParts(message, index, names);
  const parts: Record<string, unknown>[] = [];
  for (const part of toolResultsFirst(message.parts)) {
    if (part.type === 'text') {
      if (part.text !== '') parts.push({ text: part.text });
      continue;
    }
    if (part.type === 'image') {
      parts.push(imagePart(part.source));
      continue;
    }
    const name = names.get(part.tool_call_id);
    if (name === undefined) {
      return invalid(`messages[${index}].tool_call_id`, `No earlier tool call has the id '${part.tool_call_id}'.`);
    }
    const text = part.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
    const response = part.is_error ? { error: text } : toolResponse(text);
    parts.push({ functionResponse: { name, response } });
    for (const item of part.content) if (item.type === 'image') parts.push(imagePart(item.source));
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
      // Gemini's budget 0 turns thinking off (the table's 'minimal').
      thinkingBudget: request.reasoning.budget_tokens ?? budgetForEffort(request.reasoning.effort) ?? 0,
      includeThoughts: true,
    };
  }
  return config;
}

export function buildGeminiBody(request: CanonicalRequest): Result<Record<string, unknown>> {
  const names = new Map<string, string>();
  const turns: Turn<string, Record<string, unknown>>[] = [];
  for (const [index, message] of request.messages.entries()) {
    const converted = convertMessage(message, index, names);
    if (!converted.ok) return converted;
    turns.push({ role: message.role === 'assistant' ? 'model' : 'user', items: converted.value });
  }
  const contents = mergeTurns(turns).map((turn) => ({ role: turn.role, parts: turn.items }));
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

function passthroughMethod(inbound: GeminiInbound): string {
  if (inbound.operation === 'embed') return inbound.batch ? 'batchEmbedContents' : 'embedContent';
  return inbound.stream ? 'streamGenerateContent' : 'generateContent';
}

/**
 * The client's bytes, the model in the path. `:batchEmbedContents` names the model once per
 * request too, and Gemini requires it to match the path: those are rewritten (an embedding
 * request has no prompt cache whose bytes we would need to keep).
 */
export function passthroughGeminiRequest(inbound: GeminiInbound, target: UpstreamTarget): Result<UpstreamRequest> {
  let body: Result<string>;
  if (inbound.operation === 'embed' && inbound.batch) {
    const model = `models/${stripModelPrefix(target.upstream_model)}`;
    const requests = inbound.request.requests.map((item) => ({ ...item, model }));
    body = { ok: true, value: JSON.stringify({ ...inbound.body, requests }) };
  } else if (inbound.operation === 'embed') {
    // `:embedContent` may name the model in the body as well: only a present one is replaced.
    body = passthroughBody(inbound.raw, { model: `models/${stripModelPrefix(target.upstream_model)}` });
  } else body = passthroughBody(inbound.raw, {});
  if (!body.ok) return body;
  return {
    ok: true,
    value: {
      url: geminiUrl(target.base_url, target.upstream_model, passthroughMethod(inbound)),
      headers: geminiHeaders(target.api_key),
      body: body.value,
    },
  };
}
