// Anthropic Messages request → canonical request (for a channel of another dialect).
import type {
  AssistantPart,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalTool,
  ImagePart,
  ImageSource,
  TextPart,
  ToolChoice,
  UserPart,
} from '../canonical';
import type { InboundRequest, Result } from '../types';
import { unsupported } from '../shared/validation';
import { messagesBody } from './request';
import type { AnthropicContentBlock, AnthropicMessagesRequest } from './request-schema';

type Block = Exclude<AnthropicContentBlock, string>;

function imageSource(block: Extract<Block, { type: 'image' }>, param: string): Result<ImageSource> {
  const source = block.source;
  if (source.type === 'base64') return { ok: true, value: { kind: 'base64', media_type: source.media_type, data: source.data } };
  if (source.type === 'url') return { ok: true, value: { kind: 'url', url: source.url } };
  return unsupported(`${param}.source.type`, 'Images from the Anthropic Files API cannot be sent to this channel.');
}

function toolResultContent(block: Extract<Block, { type: 'tool_result' }>, param: string): Result<(TextPart | ImagePart)[]> {
  if (block.content === undefined) return { ok: true, value: [] };
  if (typeof block.content === 'string') return { ok: true, value: [{ type: 'text', text: block.content }] };
  const parts: (TextPart | ImagePart)[] = [];
  for (const [index, item] of block.content.entries()) {
    if (item.type === 'text') parts.push({ type: 'text', text: item.text });
    else {
      const source = imageSource(item, `${param}.content[${index}]`);
      if (!source.ok) return source;
      parts.push({ type: 'image', source: source.value });
    }
  }
  return { ok: true, value: parts };
}

function convertBlocks(role: 'user' | 'assistant', content: string | Block[], index: number): Result<CanonicalMessage> {
  if (typeof content === 'string') return { ok: true, value: { role, parts: [{ type: 'text', text: content }] } };
  const user: UserPart[] = [];
  const assistant: AssistantPart[] = [];
  for (const [blockIndex, block] of content.entries()) {
    const param = `messages[${index}].content[${blockIndex}]`;
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
        if (role !== 'assistant') return misplaced;
        assistant.push(
          !block.signature
            ? { type: 'reasoning', text: block.thinking }
            : { type: 'reasoning', text: block.thinking, signature: block.signature },
        );
        break;
      case 'redacted_thinking':
        // Encrypted reasoning only Anthropic can read: other channels never see it.
        break;
      default:
        return unsupported(`${param}.type`, `Content blocks of type '${block.type}' cannot be sent to this channel.`);
    }
  }
  return { ok: true, value: role === 'user' ? { role, parts: user } : { role, parts: assistant } };
}

function convertTools(request: AnthropicMessagesRequest): Result<CanonicalTool[]> {
  const tools: CanonicalTool[] = [];
  for (const [index, tool] of (request.tools ?? []).entries()) {
    const schema: unknown = (tool as { input_schema?: unknown }).input_schema;
    if ((tool.type !== undefined && tool.type !== 'custom') || typeof schema !== 'object' || schema === null) {
      return unsupported(`tools[${index}].type`, `Anthropic server tools ('${String(tool.type)}') cannot be sent to this channel.`);
    }
    const converted: CanonicalTool = { name: tool.name, parameters: schema as Record<string, unknown> };
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

export function anthropicToCanonical(inbound: InboundRequest): Result<CanonicalRequest> {
  const request = messagesBody(inbound.body);
  const messages: CanonicalMessage[] = [];
  for (const [index, message] of request.messages.entries()) {
    const converted = convertBlocks(message.role, message.content as string | Block[], index);
    if (!converted.ok) return converted;
    messages.push(converted.value);
  }
  const tools = convertTools(request);
  if (!tools.ok) return tools;
  const system = request.system === undefined ? null : typeof request.system === 'string' ? request.system : request.system.map((block) => block.text).join('\n');
  const choice = request.tool_choice;
  const disableParallel = choice && choice.type !== 'none' ? choice.disable_parallel_tool_use === true : false;
  return {
    ok: true,
    value: {
      system,
      messages,
      tools: tools.value,
      tool_choice: convertToolChoice(choice),
      parallel_tool_calls: disableParallel ? false : null,
      max_output_tokens: request.max_tokens,
      temperature: request.temperature ?? null,
      top_p: request.top_p ?? null,
      top_k: request.top_k ?? null,
      stop: request.stop_sequences ?? [],
      seed: null,
      presence_penalty: null,
      frequency_penalty: null,
      response_format: null,
      reasoning: request.thinking?.type === 'enabled' ? { budget_tokens: request.thinking.budget_tokens } : null,
      stream: request.stream === true,
      user: request.metadata?.user_id ?? null,
    },
  };
}
