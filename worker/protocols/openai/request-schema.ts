// OpenAI Chat Completions and Embeddings request bodies: strict on the fields Switchboard
// reads or translates, loose on everything else (unknown fields pass through untouched).
import { z } from 'zod';

const MAX_TOKENS = 10_000_000;
const positiveTokens = z.int().min(1).max(MAX_TOKENS).nullish();

const textPart = z.object({ type: z.literal('text'), text: z.string() }).loose();
const imagePart = z
  .object({
    type: z.literal('image_url'),
    image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }).loose(),
  })
  .loose();
const audioPart = z.object({ type: z.literal('input_audio'), input_audio: z.record(z.string(), z.unknown()) }).loose();
const filePart = z.object({ type: z.literal('file'), file: z.record(z.string(), z.unknown()) }).loose();
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() }).loose();

const userContent = z.union([
  z.string(),
  z.array(z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart])),
]);
const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z
  .object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }).loose(),
  })
  .loose();

const systemMessage = z.object({ role: z.literal('system'), content: textContent, name: z.string().optional() }).loose();
const developerMessage = z.object({ role: z.literal('developer'), content: textContent, name: z.string().optional() }).loose();
const userMessage = z.object({ role: z.literal('user'), content: userContent, name: z.string().optional() }).loose();
const assistantMessage = z
  .object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]).nullish(),
    tool_calls: z.array(toolCall).nullish(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
  })
  .loose();
const toolMessage = z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string() }).loose();
const functionMessage = z.object({ role: z.literal('function'), name: z.string(), content: z.string().nullable() }).loose();

export const openaiMessage = z.discriminatedUnion('role', [
  systemMessage,
  developerMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);

const functionTool = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: z.string().min(1).max(128),
        description: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullish(),
      })
      .loose(),
  })
  .loose();
const customTool = z.object({ type: z.literal('custom') }).loose();

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }).loose() }).loose(),
  z.object({ type: z.enum(['allowed_tools', 'custom']) }).loose(),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      json_schema: z
        .object({
          name: z.string().min(1),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        })
        .loose(),
    })
    .loose(),
]);

export const openaiChatRequest = z
  .object({
    model: z.string().min(1).max(256),
    messages: z.array(openaiMessage).min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullish(),
    max_tokens: positiveTokens,
    max_completion_tokens: positiveTokens,
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    n: z.int().min(1).max(128).nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
    seed: z.int().nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    tools: z.array(z.discriminatedUnion('type', [functionTool, customTool])).max(512).nullish(),
    tool_choice: toolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    response_format: responseFormat.nullish(),
    reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.int().min(0).max(20).nullish(),
    user: z.string().nullish(),
  })
  .loose();

export type OpenaiChatRequest = z.output<typeof openaiChatRequest>;
export type OpenaiMessage = z.output<typeof openaiMessage>;

export const openaiEmbeddingRequest = z
  .object({
    model: z.string().min(1).max(256),
    input: z.union([
      z.string(),
      z.array(z.string()).min(1).max(2048),
      z.array(z.int()).min(1),
      z.array(z.array(z.int()).min(1)).min(1).max(2048),
    ]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.int().min(1).max(65_536).optional(),
    user: z.string().optional(),
  })
  .loose();

export type OpenaiEmbeddingRequest = z.output<typeof openaiEmbeddingRequest>;
