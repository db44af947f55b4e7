// OpenAI Chat Completions request → canonical request (for a channel of another dialect).
import type {
  AssistantPart,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  ResponseFormat,
  TextPart,
  ToolChoice,
  UserPart,
} from '../canonical';
import type { OpenaiInbound } from '../inbound';
import type { Result } from '../types';
import { imageFromUrl } from '../shared/images';
import { reasoningForEffort } from '../shared/reasoning-effort';
import { formatFromOpenai } from '../shared/response-format';
import { unsupported, wrongOperation } from '../shared/validation';
import type { OpenaiChatRequest, OpenaiMessage } from './request-schema';

type TextContent = string | { type: 'text'; text: string }[];

function textOf(content: TextContent | null | undefined): string {
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function userParts(message: Extract<OpenaiMessage, { role: 'user' }>, index: number): Result<UserPart[]> {
  if (typeof message.content === 'string') return { ok: true, value: [{ type: 'text', text: message.content }] };
  const parts: UserPart[] = [];
  for (const [partIndex, part] of message.content.entries()) {
    if (part.type === 'text') parts.push({ type: 'text', text: part.text });
    else if (part.type === 'image_url') parts.push({ type: 'image', source: imageFromUrl(part.image_url.url) });
    else {
      return unsupported(
        `messages[${index}].content[${partIndex}].type`,
        `Content parts of type '${part.type}' cannot be sent to this channel.`,
      );
    }
  }
  return { ok: true, value: parts };
}

function assistantParts(message: Extract<OpenaiMessage, { role: 'assistant' }>): AssistantPart[] {
  const parts: AssistantPart[] = [];
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') parts.push({ type: 'text', text: content });
  } else if (Array.isArray(content)) {
    for (const part of content) {
      const text = part.type === 'text' ? part.text : part.refusal;
      if (text !== '') parts.push({ type: 'text', text });
    }
  }
  for (const call of message.tool_calls ?? []) {
    parts.push({ type: 'tool-call', id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  return parts;
}

function convertMessages(request: OpenaiChatRequest): Result<{ system: string | null; messages: CanonicalMessage[] }> {
  const system: string[] = [];
  const messages: CanonicalMessage[] = [];
  for (const [index, message] of request.messages.entries()) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(textOf(message.content));
        break;
      case 'user': {
        const parts = userParts(message, index);
        if (!parts.ok) return parts;
        messages.push({ role: 'user', parts: parts.value });
        break;
      }
      case 'assistant':
        messages.push({ role: 'assistant', parts: assistantParts(message) });
        break;
      case 'tool': {
        const result: UserPart = {
          type: 'tool-result',
          tool_call_id: message.tool_call_id,
          content: [{ type: 'text', text: textOf(message.content) } satisfies TextPart],
          is_error: false,
        };
        const previous = messages.at(-1);
        // Consecutive tool messages answer one assistant turn: keep them in one user turn.
        if (previous?.role === 'user' && previous.parts.every((part) => part.type === 'tool-result')) previous.parts.push(result);
        else messages.push({ role: 'user', parts: [result] });
        break;
      }
      case 'function':
        return unsupported(`messages[${index}].role`, "Legacy 'function' messages cannot be sent to this channel; use tools.");
    }
  }
  return { ok: true, value: { system: system.length > 0 ? system.join('\n\n') : null, messages } };
}

function convertTools(request: OpenaiChatRequest): Result<CanonicalTool[]> {
  const tools: CanonicalTool[] = [];
  for (const [index, tool] of (request.tools ?? []).entries()) {
    if (tool.type !== 'function') return unsupported(`tools[${index}].type`, `Tools of type '${tool.type}' cannot be sent to this channel.`);
    const converted: CanonicalTool = {
      name: tool.function.name,
      parameters: tool.function.parameters ?? { type: 'object', properties: {} },
    };
    if (tool.function.description !== undefined) converted.description = tool.function.description;
    tools.push(converted);
  }
  return { ok: true, value: tools };
}

function convertToolChoice(choice: OpenaiChatRequest['tool_choice']): Result<ToolChoice | null> {
  if (choice === null || choice === undefined) return { ok: true, value: null };
  if (choice === 'auto' || choice === 'none' || choice === 'required') return { ok: true, value: { type: choice } };
  if (choice.type === 'function' && 'function' in choice) {
    return { ok: true, value: { type: 'tool', name: choice.function.name } };
  }
  return unsupported('tool_choice', `tool_choice of type '${choice.type}' cannot be sent to this channel.`);
}

/** Chat nests the schema under `json_schema`; the mapping itself is shared with the Responses API. */
function convertResponseFormat(format: OpenaiChatRequest['response_format']): ResponseFormat | null {
  return formatFromOpenai(format?.type === 'json_schema' ? { ...format.json_schema, type: 'json_schema' } : format);
}

/** Fields whose meaning no other dialect can carry: refusing beats silently answering differently. */
function refuseUntranslatable(request: OpenaiChatRequest): Result<null> {
  if ((request.n ?? 1) > 1) return unsupported('n', 'Only one choice (n = 1) can be generated by this channel.');
  if (request.logprobs === true) return unsupported('logprobs', 'Log probabilities are not available from this channel.');
  for (const field of ['audio', 'functions', 'function_call', 'web_search_options', 'prediction'] as const) {
    if (request[field] !== undefined && request[field] !== null) return unsupported(field, `'${field}' cannot be sent to this channel.`);
  }
  const modalities = request.modalities;
  if (Array.isArray(modalities) && modalities.some((modality) => modality !== 'text')) {
    return unsupported('modalities', 'Only text output is available from this channel.');
  }
  return { ok: true, value: null };
}

export function openaiToCanonical(inbound: OpenaiInbound): Result<CanonicalRequest> {
  if (inbound.operation === 'embed') return wrongOperation(inbound.operation);
  const request = inbound.request;
  const refused = refuseUntranslatable(request);
  if (!refused.ok) return refused;
  const converted = convertMessages(request);
  if (!converted.ok) return converted;
  const tools = convertTools(request);
  if (!tools.ok) return tools;
  const toolChoice = convertToolChoice(request.tool_choice);
  if (!toolChoice.ok) return toolChoice;
  const stop = request.stop;
  return {
    ok: true,
    value: {
      system: converted.value.system,
      messages: converted.value.messages,
      tools: tools.value,
      tool_choice: toolChoice.value,
      parallel_tool_calls: request.parallel_tool_calls ?? null,
      max_output_tokens: request.max_completion_tokens ?? request.max_tokens ?? null,
      temperature: request.temperature ?? null,
      top_p: request.top_p ?? null,
      top_k: null,
      stop: stop === null || stop === undefined ? [] : typeof stop === 'string' ? [stop] : stop,
      seed: request.seed ?? null,
      presence_penalty: request.presence_penalty ?? null,
      frequency_penalty: request.frequency_penalty ?? null,
      response_format: convertResponseFormat(request.response_format),
      reasoning: reasoningForEffort(request.reasoning_effort),
      stream: request.stream === true,
      user: request.user ?? null,
    },
  };
}
