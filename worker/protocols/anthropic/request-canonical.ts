// Anthropic Messages request → canonical request (for a channel of another dialect).
//
// What crosses dialects, and what does not:
// - Unknown top-level fields are passed to the upstream untouched when the dialects match,
//   dropped otherwise. Dropped in particular: `context_management` (server-side context
//   editing; without it the model sees more context, never less), `metadata` other than
//   `user_id`, `service_tier`, `inference_geo`, `speed`, `diagnostics`, top-level and block
//   `cache_control` (prompt-cache hints), `thinking.display`, citations on text blocks.
// - Fields whose meaning would be lost are refused with `unsupported` (400 naming the field)
//   so that the pipeline tries a channel of the client's own dialect instead:
//   `output_config.format` of a type other than `json_schema` (a `json_schema` becomes the
//   canonical JSON-schema response format), `mcp_servers` (non-empty), `container`, server
//   and versioned tools (`tools[i].type` other than `custom`: web_search_*, web_fetch_*,
//   code_execution_*, bash_*, text_editor_*, computer_*, memory_*, mcp_toolset, …), and
//   content blocks other than text, image (base64 or URL), tool_use, tool_result (text and
//   image content), thinking and redacted_thinking (document, search_result,
//   server_tool_use, *_tool_result, mcp_tool_use, container_upload, tool_reference, …).
// - `role: "system"` messages are folded into the system prompt in order, after the top-level
//   `system`, joined with a blank line.
// - Thinking: `enabled` → a token budget; `adaptive` and any newer mode → an effort, from
//   `output_config.effort` (low → low, medium → medium, high/xhigh/max → high) or medium;
//   `disabled` or absent → no reasoning (`output_config.effort` alone sets none).
// - Thinking signatures and redacted_thinking data become opaque reasoning state, sent on only
//   to an Anthropic channel (shared/reasoning-state.ts): other channels never see it.
import type { AssistantPart, CanonicalMessage, CanonicalRequest, CanonicalTool, ImagePart, ImageSource, ReasoningConfig, ResponseFormat, TextPart, ToolChoice, UserPart } from '../canonical';
import type { AnthropicInbound } from '../inbound';
import type { Result } from '../types';
import { effortFromName } from '../shared/reasoning-effort';
import { unsupported, wrongOperation } from '../shared/validation';
import { blockState } from './request';
import { knownBlockOf, type AnthropicContentBlock, type AnthropicMessagesRequest, type KnownBlock, type ToolResultItem } from './request-schema';

type ImageBlock = Extract<KnownBlock, { type: 'image' }> | Extract<ToolResultItem, { type: 'image' }>;

function imageSource(block: ImageBlock, param: string): Result<ImageSource> {
  const source = block.source;
  if (source.type === 'base64') return { ok: true, value: { kind: 'base64', media_type: source.media_type, data: source.data } };
  if (source.type === 'url') return { ok: true, value: { kind: 'url', url: source.url } };
  return unsupported(`${param}.source.type`, 'Images from the Anthropic Files API cannot be sent to this channel.');
}

function toolResultContent(block: Extract<KnownBlock, { type: 'tool_result' }>, param: string): Result<(TextPart | ImagePart)[]> {
  if (block.content === undefined) return { ok: true, value: [] };
  if (typeof block.content === 'string') return { ok: true, value: [{ type: 'text', text: block.content }] };
  const parts: (TextPart | ImagePart)[] = [];
  for (const [index, item] of block.content.entries()) {
    const itemParam = `${param}.content[${index}]`;
    if (item.type === 'text') parts.push({ type: 'text', text: (item as { text: string }).text });
    else if (item.type === 'image') {
      const source = imageSource(item as ImageBlock, itemParam);
      if (!source.ok) return source;
      parts.push({ type: 'image', source: source.value });
    } else return unsupported(`${itemParam}.type`, `Tool result content of type '${item.type}' cannot be sent to this channel.`);
  }
  return { ok: true, value: parts };
}

function convertBlocks(role: 'user' | 'assistant', content: string | AnthropicContentBlock[], index: number): Result<CanonicalMessage> {
  if (typeof content === 'string') return { ok: true, value: { role, parts: [{ type: 'text', text: content }] } };
  const user: UserPart[] = [];
  const assistant: AssistantPart[] = [];
  for (const [blockIndex, item] of content.entries()) {
    const param = `messages[${index}].content[${blockIndex}]`;
    const block = knownBlockOf(item);
    if (!block) return unsupported(`${param}.type`, `Content blocks of type '${item.type}' cannot be sent to this channel.`);
    const misplaced = unsupported(`${param}.type`, `A '${block.type}' block cannot appear in a ${role} message.`);
    switch (block.type) {
      case 'text':
        (role === 'user' ? user : assistant).push({ type: 'text', text: block.text });
        break;
      case 'image': {
        if (role !== 'user') return misplaced;
        const source = imageSource(block, param);
        if (!source.ok) return source;
        user.push({ type: 'image', source: source.value });
        break;
      }
      case 'tool_use':
        if (role !== 'assistant') return misplaced;
        assistant.push({ type: 'tool-call', id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
        break;
      case 'tool_result': {
        if (role !== 'user') return misplaced;
        const resultContent = toolResultContent(block, param);
        if (!resultContent.ok) return resultContent;
        user.push({ type: 'tool-result', tool_call_id: block.tool_use_id, content: resultContent.value, is_error: block.is_error === true });
        break;
      }
      case 'thinking':
      case 'redacted_thinking': {
        if (role !== 'assistant') return misplaced;
        const state = blockState(block);
        const text = block.type === 'thinking' ? block.thinking : '';
        assistant.push(state === undefined ? { type: 'reasoning', text } : { type: 'reasoning', text, state });
        break;
      }
    }
  }
  return { ok: true, value: role === 'user' ? { role, parts: user } : { role, parts: assistant } };
}

function convertTools(request: AnthropicMessagesRequest): Result<CanonicalTool[]> {
  const tools: CanonicalTool[] = [];
  for (const [index, tool] of (request.tools ?? []).entries()) {
    const schema: unknown = (tool as { input_schema?: unknown }).input_schema;
    const type: unknown = tool.type;
    if ((type !== undefined && type !== null && type !== 'custom') || typeof schema !== 'object' || schema === null) {
      return unsupported(`tools[${index}].type`, `Anthropic server tools ('${String(type)}') cannot be sent to this channel.`);
    }
    const converted: CanonicalTool = { name: String((tool as { name: unknown }).name), parameters: schema as Record<string, unknown> };
    const description = (tool as { description?: unknown }).description;
    if (typeof description === 'string') converted.description = description;
    tools.push(converted);
  }
  return { ok: true, value: tools };
}

function convertToolChoice(choice: AnthropicMessagesRequest['tool_choice']): ToolChoice | null {
  if (!choice) return null;
  switch (choice.type) {
    case 'auto':
      return { type: 'auto' };
    case 'any':
      return { type: 'required' };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', name: choice.name };
  }
}

function systemText(content: string | { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((block) => block.text).join('\n');
}

function reasoning(request: AnthropicMessagesRequest): ReasoningConfig | null {
  const thinking = request.thinking;
  if (!thinking || thinking.type === 'disabled') return null;
  if (thinking.type === 'enabled' && 'budget_tokens' in thinking) return { budget_tokens: thinking.budget_tokens as number };
  // Adaptive thinking without an effort, or with one we do not know yet, is the middle.
  return { effort: effortFromName(request.output_config?.effort) ?? 'medium' };
}

function responseFormat(request: AnthropicMessagesRequest): Result<ResponseFormat | null> {
  const format = request.output_config?.format;
  if (!format) return { ok: true, value: null };
  if (format.type !== 'json_schema' || !format.schema) {
    return unsupported('output_config.format', `Output formats of type '${format.type}' cannot be sent to this channel.`);
  }
  return { ok: true, value: { type: 'json-schema', name: 'response', schema: format.schema, strict: true } };
}

/** Fields that cannot run anywhere but Anthropic: refused, so the pipeline tries another channel. */
function anthropicOnly(request: AnthropicMessagesRequest): Result<null> {
  if (request.mcp_servers && request.mcp_servers.length > 0) return unsupported('mcp_servers', 'MCP servers run only on an Anthropic channel.');
  if (request.container !== undefined && request.container !== null) return unsupported('container', 'Containers exist only on an Anthropic channel.');
  return { ok: true, value: null };
}

export function anthropicToCanonical(inbound: AnthropicInbound): Result<CanonicalRequest> {
  // A token count is answered locally (index.ts): only a Messages request is translated.
  if (inbound.operation !== 'generate') return wrongOperation(inbound.operation);
  const request = inbound.request;
  const only = anthropicOnly(request);
  if (!only.ok) return only;
  const systems: string[] = request.system === undefined ? [] : [systemText(request.system)];
  const messages: CanonicalMessage[] = [];
  for (const [index, message] of request.messages.entries()) {
    if (message.role === 'system') {
      systems.push(systemText(message.content));
      continue;
    }
    const converted = convertBlocks(message.role, message.content, index);
    if (!converted.ok) return converted;
    messages.push(converted.value);
  }
  const tools = convertTools(request);
  if (!tools.ok) return tools;
  const format = responseFormat(request);
  if (!format.ok) return format;
  const choice = request.tool_choice;
  const disableParallel = choice && choice.type !== 'none' ? choice.disable_parallel_tool_use === true : false;
  const system = systems.filter((text) => text !== '').join('\n\n');
  return {
    ok: true,
    value: {
      system: request.system === undefined && system === '' ? null : system,
      messages,
      tools: tools.value,
      tool_choice: convertToolChoice(choice),
      parallel_tool_calls: disableParallel ? false : null,
      max_output_tokens: request.max_tokens ?? null,
      temperature: request.temperature ?? null,
      top_p: request.top_p ?? null,
      top_k: request.top_k ?? null,
      stop: request.stop_sequences ?? [],
      seed: null,
      presence_penalty: null,
      frequency_penalty: null,
      response_format: format.value,
      reasoning: reasoning(request),
      stream: request.stream === true,
      user: request.metadata?.user_id ?? null,
    },
  };
}
