// Gemini generateContent request → canonical request (for a channel of another dialect).
import type { AssistantPart, CanonicalMessage, CanonicalRequest, CanonicalTool, ReasoningConfig, ResponseFormat, ToolChoice, UserPart } from '../canonical';
import type { GeminiInbound } from '../inbound';
import type { Result } from '../types';
import { invalid, unsupported, wrongOperation } from '../shared/validation';
import { partState } from './request';
import type { GeminiGenerateRequest, GeminiPart } from './request-schema';

/** Tool-call ids for Gemini history, which usually has none: positional and deterministic. */
class ToolCallIds {
  private count = 0;
  private readonly pending: { id: string; name: string }[] = [];

  call(name: string, id: string | undefined): string {
    const assigned = id ?? `call_${this.count}`;
    this.count += 1;
    this.pending.push({ id: assigned, name });
    return assigned;
  }

  /** The earliest unanswered call with this name (or the response's own id). */
  response(name: string, id: string | undefined): string {
    const index = this.pending.findIndex((call) => (id === undefined ? call.name === name : call.id === id));
    if (index < 0) return id ?? `call_unmatched_${name}`;
    const [call] = this.pending.splice(index, 1);
    return call?.id ?? name;
  }
}

function resultText(response: Record<string, unknown>): string {
  const keys = Object.keys(response);
  if (keys.length === 1 && (keys[0] === 'result' || keys[0] === 'content') && typeof response[keys[0]] === 'string') {
    return response[keys[0]] as string;
  }
  return JSON.stringify(response);
}

function convertPart(
  part: GeminiPart,
  role: 'user' | 'assistant',
  param: string,
  toolIds: ToolCallIds,
): Result<UserPart | AssistantPart | null> {
  if (part.functionCall) {
    if (role !== 'assistant') return unsupported(`${param}.functionCall`, 'A functionCall must be in a model turn.');
    const call = part.functionCall;
    return { ok: true, value: { type: 'tool-call', id: toolIds.call(call.name, call.id), name: call.name, arguments: JSON.stringify(call.args ?? {}) } };
  }
  if (part.functionResponse) {
    if (role !== 'user') return unsupported(`${param}.functionResponse`, 'A functionResponse must be in a user turn.');
    const response = part.functionResponse;
    return {
      ok: true,
      value: {
        type: 'tool-result',
        tool_call_id: toolIds.response(response.name, response.id),
        content: [{ type: 'text', text: resultText(response.response) }],
        is_error: false,
      },
    };
  }
  if (part.inlineData || part.fileData) {
    const mimeType = part.inlineData?.mimeType ?? part.fileData?.mimeType ?? '';
    if (role !== 'user' || !mimeType.startsWith('image/')) {
      return unsupported(part.inlineData ? `${param}.inlineData` : `${param}.fileData`, `Only images in user turns can be sent to this channel (got '${mimeType || 'unknown'}').`);
    }
    const source = part.inlineData
      ? { kind: 'base64' as const, media_type: part.inlineData.mimeType, data: part.inlineData.data }
      : { kind: 'url' as const, url: part.fileData?.fileUri ?? '' };
    return { ok: true, value: { type: 'image', source } };
  }
  if (typeof part.text === 'string') {
    if (part.thought === true) return { ok: true, value: role === 'assistant' ? { type: 'reasoning', text: part.text } : null };
    return { ok: true, value: { type: 'text', text: part.text } };
  }
  const known = Object.keys(part).find((key) => key !== 'thoughtSignature' && key !== 'thought');
  if (known === undefined) return { ok: true, value: null };
  return unsupported(`${param}.${known}`, `Parts of kind '${known}' cannot be sent to this channel.`);
}

/**
 * Puts a part's `thoughtSignature` where canonical keeps it. Gemini's own state stays on the
 * part that carried it (an empty signature-only part becomes an empty text part). Another
 * dialect's state (an envelope we handed out) is that dialect's reasoning: it joins the
 * reasoning just before it (our encoders put it right after the thoughts it signs), else it
 * becomes a reasoning part of its own in that place.
 */
function placeState(parts: (UserPart | AssistantPart)[], converted: UserPart | AssistantPart | null, part: GeminiPart): void {
  const state = partState(part);
  if (state === undefined || (converted !== null && converted.type !== 'text' && converted.type !== 'tool-call' && converted.type !== 'reasoning')) {
    if (converted) parts.push(converted);
    return;
  }
  if (state.dialect === 'gemini') {
    const carrier = converted ?? { type: 'text' as const, text: '' };
    carrier.state = state;
    parts.push(carrier);
    return;
  }
  const previous = parts.at(-1);
  const ownText = converted?.type === 'reasoning' ? converted.text : '';
  if (previous?.type === 'reasoning' && previous.state === undefined) {
    previous.text += ownText;
    previous.state = state;
  } else parts.push({ type: 'reasoning', text: ownText, state });
  if (converted && converted.type !== 'reasoning' && !(converted.type === 'text' && converted.text === '')) parts.push(converted);
}

function convertContents(request: GeminiGenerateRequest): Result<CanonicalMessage[]> {
  const toolIds = new ToolCallIds();
  const messages: CanonicalMessage[] = [];
  for (const [index, content] of request.contents.entries()) {
    const role = content.role === 'model' ? 'assistant' : 'user';
    const parts: (UserPart | AssistantPart)[] = [];
    for (const [partIndex, part] of content.parts.entries()) {
      const converted = convertPart(part, role, `contents[${index}].parts[${partIndex}]`, toolIds);
      if (!converted.ok) return converted;
      // Reasoning state exists only in model turns.
      if (role === 'assistant') placeState(parts, converted.value, part);
      else if (converted.value) parts.push(converted.value);
    }
    messages.push(role === 'assistant' ? { role, parts: parts as AssistantPart[] } : { role, parts: parts as UserPart[] });
  }
  return { ok: true, value: messages };
}

function convertTools(request: GeminiGenerateRequest): Result<CanonicalTool[]> {
  const tools: CanonicalTool[] = [];
  for (const [index, tool] of (request.tools ?? []).entries()) {
    const other = Object.keys(tool).find((key) => key !== 'functionDeclarations');
    if (other !== undefined) return unsupported(`tools[${index}].${other}`, `Gemini built-in tools ('${other}') cannot be sent to this channel.`);
    for (const [declarationIndex, declaration] of (tool.functionDeclarations ?? []).entries()) {
      const parameters = lowerCaseTypes(declaration.parametersJsonSchema ?? declaration.parameters ?? { type: 'object', properties: {} });
      if (parameters === null) return tooDeep(`tools[${index}].functionDeclarations[${declarationIndex}].parameters`);
      const converted: CanonicalTool = { name: declaration.name, parameters };
      if (declaration.description !== undefined) converted.description = declaration.description;
      tools.push(converted);
    }
  }
  return { ok: true, value: tools };
}

/**
 * How deep a Gemini schema may nest. The conversion below is a recursive walk over the client's
 * JSON, so without a bound a schema nested a few thousand levels deep (which JSON.parse accepts)
 * exhausts the stack and the caller gets a 500 instead of a 400 (found by the soak fuzz run).
 * Real schemas nest a handful of levels; providers' own limits are far below this.
 */
export const MAX_SCHEMA_DEPTH = 64;

/**
 * Gemini's OpenAPI-style schemas spell types in capitals (`OBJECT`); JSON Schema wants lower
 * case. Null when the schema nests deeper than MAX_SCHEMA_DEPTH.
 */
export function lowerCaseTypes(schema: Record<string, unknown>): Record<string, unknown> | null {
  let tooDeep = false;
  const convert = (value: unknown, depth: number): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (depth > MAX_SCHEMA_DEPTH) {
      tooDeep = true;
      return null;
    }
    if (Array.isArray(value)) return value.map((item) => convert(item, depth + 1));
    const output: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      output[key] = key === 'type' && typeof item === 'string' ? item.toLowerCase() : convert(item, depth + 1);
      if (tooDeep) return null;
    }
    return output;
  };
  const converted = convert(schema, 0) as Record<string, unknown> | null;
  return tooDeep ? null : converted;
}

const tooDeep = (param: string) => invalid(param, `The schema is nested more than ${MAX_SCHEMA_DEPTH} levels deep.`);

function convertToolChoice(request: GeminiGenerateRequest): Result<ToolChoice | null> {
  const config = request.toolConfig?.functionCallingConfig;
  if (!config?.mode) return { ok: true, value: null };
  const names = config.allowedFunctionNames ?? [];
  switch (config.mode) {
    case 'AUTO':
    case 'MODE_UNSPECIFIED':
      return { ok: true, value: { type: 'auto' } };
    case 'NONE':
      return { ok: true, value: { type: 'none' } };
    case 'ANY':
    case 'VALIDATED': {
      if (names.length === 0) return { ok: true, value: { type: 'required' } };
      const [only] = names;
      if (names.length === 1 && only !== undefined) return { ok: true, value: { type: 'tool', name: only } };
      return unsupported('toolConfig.functionCallingConfig.allowedFunctionNames', 'Only one allowed function name can be sent to this channel.');
    }
  }
}

function convertResponseFormat(config: GeminiGenerateRequest['generationConfig']): Result<ResponseFormat | null> {
  if (config?.responseMimeType !== 'application/json') return { ok: true, value: null };
  const schema = config.responseJsonSchema ?? (config.responseSchema ? lowerCaseTypes(config.responseSchema) : undefined);
  if (schema === null) return tooDeep('generationConfig.responseSchema');
  return { ok: true, value: schema ? { type: 'json-schema', name: 'response', schema, strict: true } : { type: 'json' } };
}

function convertReasoning(config: GeminiGenerateRequest['generationConfig']): ReasoningConfig | null {
  const budget = config?.thinkingConfig?.thinkingBudget;
  if (budget === undefined || budget === 0) return null;
  return budget < 0 ? { effort: 'medium' } : { budget_tokens: budget };
}

export function geminiToCanonical(inbound: GeminiInbound): Result<CanonicalRequest> {
  if (inbound.operation !== 'generate') return wrongOperation(inbound.operation);
  const request = inbound.request;
  const config = request.generationConfig;
  if ((config?.candidateCount ?? 1) > 1) return unsupported('generationConfig.candidateCount', 'Only one candidate can be generated by this channel.');
  if (request.cachedContent !== undefined) return unsupported('cachedContent', 'Gemini cached content cannot be used by this channel.');
  if (config?.responseMimeType !== undefined && config.responseMimeType !== 'application/json' && config.responseMimeType !== 'text/plain') {
    return unsupported('generationConfig.responseMimeType', `Responses of type '${config.responseMimeType}' cannot be produced by this channel.`);
  }
  const messages = convertContents(request);
  if (!messages.ok) return messages;
  const tools = convertTools(request);
  if (!tools.ok) return tools;
  const toolChoice = convertToolChoice(request);
  if (!toolChoice.ok) return toolChoice;
  const responseFormat = convertResponseFormat(config);
  if (!responseFormat.ok) return responseFormat;
  const system = request.systemInstruction?.parts.map((part) => part.text).join('\n');
  return {
    ok: true,
    value: {
      system: system === undefined || system === '' ? null : system,
      messages: messages.value,
      tools: tools.value,
      tool_choice: toolChoice.value,
      parallel_tool_calls: null,
      max_output_tokens: config?.maxOutputTokens ?? null,
      temperature: config?.temperature ?? null,
      top_p: config?.topP ?? null,
      top_k: config?.topK ?? null,
      stop: config?.stopSequences ?? [],
      seed: config?.seed ?? null,
      presence_penalty: config?.presencePenalty ?? null,
      frequency_penalty: config?.frequencyPenalty ?? null,
      response_format: responseFormat.value,
      reasoning: convertReasoning(config),
      stream: inbound.stream,
      user: null,
    },
  };
}
