// Responses API request → canonical request (for a channel of another dialect). A
// Responses channel never comes here: same-dialect traffic is passed through.
import { flattenedName } from './tool-names';
import type {
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  ImagePart,
  TextPart,
  ToolChoice,
} from '../canonical';
import type { ResponsesInbound } from '../inbound';
import type { Result } from '../types';
import { imageFromUrl } from '../shared/images';
import { reasoningForEffort } from '../shared/reasoning-effort';
import { formatFromOpenai } from '../shared/response-format';
import { appendMessage } from '../shared/turns';
import { invalid, unsupported } from '../shared/validation';
import { inputItems, itemState } from './request';
import type { ResponsesInputItem, ResponsesKnownItem, ResponsesMessageItem, ResponsesRequest } from './request-schema';

type Part = Exclude<ResponsesMessageItem['content'], string>[number];
type Converted<T> = Result<T[]>;

/** Text and images of a message or tool output; anything else names its field. */
function contentParts(content: string | Part[], field: string, images: boolean): Converted<TextPart | ImagePart> {
  if (typeof content === 'string') return { ok: true, value: content === '' ? [] : [{ type: 'text', text: content }] };
  const parts: (TextPart | ImagePart)[] = [];
  for (const [index, part] of content.entries()) {
    if (part.type === 'input_text' || part.type === 'output_text') parts.push({ type: 'text', text: part.text });
    else if (part.type === 'refusal') parts.push({ type: 'text', text: part.refusal });
    else if (part.type === 'input_image' && images && typeof part.image_url === 'string') {
      parts.push({ type: 'image', source: imageFromUrl(part.image_url) });
    } else if (part.type === 'input_image') {
      return unsupported(`${field}[${index}]`, images ? 'Images given by file_id cannot be sent to this channel; send an image_url.' : 'Images cannot appear here for this channel.');
    } else return unsupported(`${field}[${index}].type`, `Content parts of type '${part.type}' cannot be sent to this channel.`);
  }
  return { ok: true, value: parts };
}

function convertItem(item: ResponsesInputItem, index: number, system: string[], messages: CanonicalMessage[]): Result<null> {
  const field = `input[${index}]`;
  if (item.type === undefined || item.type === 'message') {
    const message = item as ResponsesMessageItem;
    const parts = contentParts(message.content, `${field}.content`, message.role === 'user');
    if (!parts.ok) return parts;
    if (message.role === 'system' || message.role === 'developer') {
      system.push(parts.value.map((part) => (part.type === 'text' ? part.text : '')).join(''));
    } else if (parts.value.length > 0) {
      // Only user content may hold images (contentParts refused them elsewhere).
      const texts = parts.value.flatMap((part) => (part.type === 'text' ? [part] : []));
      appendMessage(messages, message.role === 'user' ? { role: 'user', parts: parts.value } : { role: 'assistant', parts: texts });
    }
    return { ok: true, value: null };
  }
  const known = item as ResponsesKnownItem;
  switch (known.type) {
    case 'function_call':
      {
        const namespace = (known as { namespace?: unknown }).namespace;
        const name = typeof namespace === 'string' && namespace !== '' ? flattenedName(namespace, known.name) : known.name;
        appendMessage(messages, { role: 'assistant', parts: [{ type: 'tool-call', id: known.call_id, name, arguments: known.arguments }] });
      }
      return { ok: true, value: null };
    case 'function_call_output': {
      const content = contentParts(known.output, `${field}.output`, true);
      if (!content.ok) return content;
      appendMessage(messages, { role: 'user', parts: [{ type: 'tool-result', tool_call_id: known.call_id, content: content.value, is_error: false }] });
      return { ok: true, value: null };
    }
    case 'reasoning': {
      const text = known.summary.map((part) => part.text).join('\n\n');
      const state = itemState(known);
      if (text === '' && state === undefined) return { ok: true, value: null };
      appendMessage(messages, { role: 'assistant', parts: [state === undefined ? { type: 'reasoning', text } : { type: 'reasoning', text, state }] });
      return { ok: true, value: null };
    }
    default:
      return unsupported(`${field}.type`, `Input items of type '${String(item.type)}' cannot be sent to this channel.`);
  }
}

function convertInput(request: ResponsesRequest): Result<{ system: string | null; messages: CanonicalMessage[] }> {
  const system: string[] = [];
  if (typeof request.instructions === 'string' && request.instructions !== '') system.push(request.instructions);
  const messages: CanonicalMessage[] = [];
  for (const [index, item] of inputItems(request).entries()) {
    const converted = convertItem(item, index, system, messages);
    if (!converted.ok) return converted;
  }
  if (messages.length === 0) return invalid('input', 'The input must contain at least one user or assistant message.');
  return { ok: true, value: { system: system.length > 0 ? system.join('\n\n') : null, messages } };
}

function functionTool(tool: Record<string, unknown>, name: string): CanonicalTool {
  const parameters = tool.parameters as Record<string, unknown> | null | undefined;
  const converted: CanonicalTool = { name, parameters: parameters ?? { type: 'object', properties: {} } };
  if (typeof tool.description === 'string') converted.description = tool.description;
  return converted;
}

/** Function tools as they are, namespaces flattened, hosted tools left out (rule: tool-names.ts). */
function convertTools(request: ResponsesRequest): Result<CanonicalTool[]> {
  const tools: CanonicalTool[] = [];
  for (const [index, tool] of (request.tools ?? []).entries()) {
    const record = tool as Record<string, unknown>;
    if (record.type === 'function' && typeof record.name === 'string') {
      tools.push(functionTool(record, record.name));
    } else if (record.type === 'namespace' && typeof record.name === 'string' && Array.isArray(record.tools)) {
      for (const [inner, member] of (record.tools as unknown[]).entries()) {
        const entry = (typeof member === 'object' && member !== null ? member : {}) as Record<string, unknown>;
        if (entry.type !== 'function' || typeof entry.name !== 'string') {
          return unsupported(`tools[${index}].tools[${inner}]`, `Tools of type '${String(entry.type)}' inside a namespace are only available on OpenAI Responses channels.`);
        }
        tools.push(functionTool(entry, flattenedName(record.name, entry.name)));
      }
    } else if (record.type === 'custom') {
      return unsupported(`tools[${index}]`, 'Custom (free-form) tools are only available on OpenAI Responses channels.');
    }
    // Any other type is a hosted tool: left out on this channel.
  }
  return { ok: true, value: tools };
}

/** `allowed_tools` narrows the tool list: the same effect is had by sending only those tools. */
function convertToolChoice(request: ResponsesRequest, tools: CanonicalTool[]): Result<{ choice: ToolChoice | null; tools: CanonicalTool[] }> {
  const choice = request.tool_choice;
  if (choice === null || choice === undefined) return { ok: true, value: { choice: null, tools } };
  if (typeof choice === 'string') return { ok: true, value: { choice: { type: choice }, tools } };
  if (choice.type === 'function' && typeof choice.name === 'string') return { ok: true, value: { choice: { type: 'tool', name: choice.name }, tools } };
  if (choice.type === 'allowed_tools' && Array.isArray(choice.tools) && (choice.mode === 'auto' || choice.mode === 'required')) {
    const names = new Set<string>();
    for (const allowed of choice.tools as Record<string, unknown>[]) {
      if (allowed.type !== 'function' || typeof allowed.name !== 'string') return unsupported('tool_choice.tools', 'Only function tools can be allowed on this channel.');
      names.add(allowed.name);
    }
    return { ok: true, value: { choice: { type: choice.mode }, tools: tools.filter((tool) => names.has(tool.name)) } };
  }
  return unsupported('tool_choice', `tool_choice of type '${String(choice.type)}' cannot be sent to this channel.`);
}


/** Fields no other dialect can carry: refusing beats silently answering differently. */
function refuseUntranslatable(request: ResponsesRequest): Result<null> {
  if ((request.top_logprobs ?? 0) > 0) return unsupported('top_logprobs', 'Log probabilities are not available from this channel.');
  if (request.prompt !== undefined && request.prompt !== null) return unsupported('prompt', 'Stored prompt templates are only available on OpenAI Responses channels.');
  return { ok: true, value: null };
}

export function responsesToCanonical(inbound: ResponsesInbound): Result<CanonicalRequest> {
  const request = inbound.request;
  const refused = refuseUntranslatable(request);
  if (!refused.ok) return refused;
  const input = convertInput(request);
  if (!input.ok) return input;
  const tools = convertTools(request);
  if (!tools.ok) return tools;
  const choice = convertToolChoice(request, tools.value);
  if (!choice.ok) return choice;
  // text.verbosity, include, store, metadata and prompt_cache_key have no canonical field:
  // they only shape a Responses channel's answer or bookkeeping, never its content.
  return {
    ok: true,
    value: {
      system: input.value.system,
      messages: input.value.messages,
      tools: choice.value.tools,
      tool_choice: choice.value.choice,
      parallel_tool_calls: request.parallel_tool_calls ?? null,
      max_output_tokens: request.max_output_tokens ?? null,
      temperature: request.temperature ?? null,
      top_p: request.top_p ?? null,
      top_k: null,
      stop: [],
      seed: null,
      presence_penalty: null,
      frequency_penalty: null,
      response_format: formatFromOpenai(request.text?.format),
      reasoning: reasoningForEffort(request.reasoning?.effort),
      stream: request.stream === true,
      user: request.safety_identifier ?? request.user ?? null,
    },
  };
}
