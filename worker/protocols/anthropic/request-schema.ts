// Anthropic Messages request bodies: strict on what Switchboard reads, loose elsewhere.
import { z } from 'zod';

const cacheControl = z.object({ type: z.string() }).loose().nullish();
const textBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl }).loose();
const imageSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string() }).loose(),
  z.object({ type: z.literal('url'), url: z.string().min(1) }).loose(),
  z.object({ type: z.literal('file'), file_id: z.string() }).loose(),
]);
const imageBlock = z.object({ type: z.literal('image'), source: imageSource, cache_control: cacheControl }).loose();
const toolUseBlock = z
  .object({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.record(z.string(), z.unknown()) })
  .loose();
const toolResultBlock = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
    is_error: z.boolean().optional(),
  })
  .loose();
const thinkingBlock = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }).loose();
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() }).loose();
const otherBlock = z
  .object({ type: z.enum(['document', 'search_result', 'server_tool_use', 'web_search_tool_result', 'container_upload']) })
  .loose();

export const anthropicContentBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
  otherBlock,
]);

const message = z
  .object({
    role: z.enum(['user', 'assistant']),
    content: z.union([z.string(), z.array(anthropicContentBlock)]),
  })
  .loose();

const customTool = z
  .object({
    type: z.literal('custom').optional(),
    name: z.string().min(1).max(128),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()),
  })
  .loose();
/** Server and versioned tools (web_search_20250305, bash_20250124, …) have a `type` and no input_schema. */
const serverTool = z.object({ type: z.string(), name: z.string() }).loose();

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }).loose(),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }).loose(),
  z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }).loose(),
  z.object({ type: z.literal('none') }).loose(),
]);

const thinking = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enabled'), budget_tokens: z.int().min(1).max(10_000_000) }).loose(),
  z.object({ type: z.literal('disabled') }).loose(),
]);

const messagesFields = {
  model: z.string().min(1).max(256),
  messages: z.array(message).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(z.union([customTool, serverTool])).max(512).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
};

export const anthropicMessagesRequest = z
  .object({
    ...messagesFields,
    max_tokens: z.int().min(1).max(10_000_000),
    stream: z.boolean().optional(),
    stop_sequences: z.array(z.string()).max(64).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.int().min(0).max(1_000_000).optional(),
    metadata: z.object({ user_id: z.string().nullish() }).loose().optional(),
  })
  .loose();

export const anthropicCountTokensRequest = z.object(messagesFields).loose();

export type AnthropicMessagesRequest = z.input<typeof anthropicMessagesRequest>;
export type AnthropicContentBlock = z.input<typeof anthropicContentBlock>;
