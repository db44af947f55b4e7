// Anthropic Messages request bodies: strict on what Switchboard reads, loose elsewhere. The
// Messages API grows new block types, tool types, thinking modes and top-level fields often;
// anything we do not read is accepted here so that a same-dialect passthrough never refuses
// what Anthropic itself would take (request-canonical.ts decides what crosses dialects).
import { z } from 'zod';

/** `{type: 'ephemeral', ttl?: '5m' | '1h'}`; kept loose so a new cache type or lifetime passes. */
const cacheControl = z.object({ type: z.string(), ttl: z.string().optional() }).loose().nullish();

/** A block whose `type` is none of `known`: accepted as it is (document, search_result, …). */
function otherBlockThan(known: readonly string[]) {
  const names = new Set(known);
  return z.object({ type: z.string().refine((type) => !names.has(type), { message: 'Invalid block.', abort: true }) }).loose();
}

const textBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl }).loose();
const imageSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string() }).loose(),
  z.object({ type: z.literal('url'), url: z.string().min(1) }).loose(),
  z.object({ type: z.literal('file'), file_id: z.string() }).loose(),
]);
const imageBlock = z.object({ type: z.literal('image'), source: imageSource, cache_control: cacheControl }).loose();
const toolResultItem = z.union([z.discriminatedUnion('type', [textBlock, imageBlock]), otherBlockThan(['text', 'image'])]);
const toolUseBlock = z
  .object({ type: z.literal('tool_use'), id: z.string().min(1), name: z.string().min(1), input: z.record(z.string(), z.unknown()) })
  .loose();
const toolResultBlock = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1),
    content: z.union([z.string(), z.array(toolResultItem)]).optional(),
    is_error: z.boolean().optional(),
  })
  .loose();
const thinkingBlock = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() }).loose();
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() }).loose();

const KNOWN_BLOCKS = ['text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'];
const knownBlock = z.discriminatedUnion('type', [textBlock, imageBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock]);
export const anthropicContentBlock = z.union([knownBlock, otherBlockThan(KNOWN_BLOCKS)]);

const systemContent = z.union([z.string(), z.array(textBlock)]);
const message = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['user', 'assistant']), content: z.union([z.string(), z.array(anthropicContentBlock)]) }).loose(),
  /** Mid-conversation instructions (Claude Code sends them); text only, like the top-level system. */
  z.object({ role: z.literal('system'), content: systemContent }).loose(),
]);

const customTool = z
  .object({
    type: z.literal('custom').nullish(),
    name: z.string().min(1).max(128),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()),
  })
  .loose();
/** Server and versioned tools (web_search_20250305, bash_20250124, mcp_toolset, …): a `type`, no input_schema. */
const serverTool = z.object({ type: z.string().min(1) }).loose();

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }).loose(),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }).loose(),
  z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }).loose(),
  z.object({ type: z.literal('none') }).loose(),
]);

const KNOWN_THINKING = ['enabled', 'disabled', 'adaptive'] as const;
const thinking = z.union([
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('enabled'), budget_tokens: z.int().min(1).max(10_000_000) }).loose(),
    z.object({ type: z.literal('disabled') }).loose(),
    z.object({ type: z.literal('adaptive') }).loose(),
  ]),
  /** A thinking mode newer than this gateway (e.g. `between_tools`). */
  z.object({ type: z.string().refine((type) => !(KNOWN_THINKING as readonly string[]).includes(type), { message: 'Invalid thinking type.', abort: true }) }).loose(),
]);

/** `effort` is a string rather than an enum so that a new level (xhigh came after max) passes through. */
const outputConfig = z
  .object({
    effort: z.string().nullish(),
    format: z.object({ type: z.string(), schema: z.record(z.string(), z.unknown()).optional() }).loose().nullish(),
  })
  .loose();

const messagesFields = {
  model: z.string().min(1).max(256),
  messages: z.array(message).min(1),
  system: systemContent.optional(),
  tools: z.array(z.union([customTool, serverTool])).max(512).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  output_config: outputConfig.optional(),
  mcp_servers: z.array(z.object({}).loose()).optional(),
  container: z.union([z.string(), z.object({}).loose()]).nullish(),
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

export type AnthropicMessagesRequest = z.output<typeof anthropicMessagesRequest>;
export type AnthropicCountTokensRequest = z.output<typeof anthropicCountTokensRequest>;
export type AnthropicMessage = AnthropicMessagesRequest['messages'][number];
export type AnthropicContentBlock = z.output<typeof anthropicContentBlock>;
/** The blocks Switchboard reads; any other type is carried only by passthrough. */
export type KnownBlock = z.output<typeof knownBlock>;
export type ToolResultItem = z.output<typeof toolResultItem>;

/** Narrows a validated block to the types we read (TypeScript cannot: the open branch's type is any string). */
export function knownBlockOf(block: AnthropicContentBlock | string): KnownBlock | null {
  return typeof block !== 'string' && KNOWN_BLOCKS.includes(block.type) ? (block as KnownBlock) : null;
}
