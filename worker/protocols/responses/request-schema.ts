// OpenAI Responses API request bodies (`POST /v1/responses`, `/v1/responses/input_tokens`):
// strict on the fields Switchboard reads or translates, loose on everything else (unknown
// fields and item types pass through untouched to a Responses channel).
import { z } from 'zod';

const MAX_TOKENS = 10_000_000;

const inputText = z.object({ type: z.literal('input_text'), text: z.string() }).loose();
const inputImage = z
  .object({
    type: z.literal('input_image'),
    image_url: z.string().min(1).nullish(),
    file_id: z.string().min(1).nullish(),
    detail: z.enum(['auto', 'low', 'high', 'original']).nullish(),
  })
  .loose()
  .refine((part) => typeof part.image_url === 'string' || typeof part.file_id === 'string', {
    message: 'input_image needs an image_url or a file_id',
  });
const inputFile = z.object({ type: z.literal('input_file') }).loose();
const outputText = z.object({ type: z.literal('output_text'), text: z.string() }).loose();
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() }).loose();

/** Any role may carry any of these: assistant history uses output_text, users input_*. */
const contentPart = z.discriminatedUnion('type', [inputText, inputImage, inputFile, outputText, refusal]);

export const messageItem = z
  .object({
    type: z.literal('message').optional(),
    role: z.enum(['user', 'assistant', 'system', 'developer']),
    content: z.union([z.string(), z.array(contentPart)]),
    id: z.string().optional(),
  })
  .loose();

const functionCallItem = z
  .object({
    type: z.literal('function_call'),
    call_id: z.string().min(1),
    name: z.string().min(1),
    arguments: z.string(),
    id: z.string().optional(),
  })
  .loose();

const toolOutputPart = z.discriminatedUnion('type', [inputText, inputImage, inputFile]);
const functionCallOutputItem = z
  .object({
    type: z.literal('function_call_output'),
    call_id: z.string().min(1),
    output: z.union([z.string(), z.array(toolOutputPart)]),
  })
  .loose();

// Codex sends its reasoning items back without an id (it never stores responses).
const reasoningItem = z
  .object({
    type: z.literal('reasoning'),
    id: z.string().optional(),
    summary: z.array(z.object({ type: z.literal('summary_text'), text: z.string() }).loose()),
    encrypted_content: z.string().nullish(),
    content: z.array(z.object({ type: z.string(), text: z.string().optional() }).loose()).nullish(),
  })
  .loose();

const itemReference = z.object({ type: z.literal('item_reference'), id: z.string() }).loose();

/**
 * A union branch chosen by the object's `type` alone. A branch whose type does not match
 * fails at the object itself, so the error of the branch that does match (a missing
 * `call_id`, say) is the deepest one and names the real culprit.
 */
function ofType<T extends z.ZodType>(matches: (type: unknown) => boolean, schema: T) {
  return z
    .record(z.string(), z.unknown())
    .refine((value) => matches(value.type), { message: 'unexpected type' })
    .pipe(schema as unknown as z.ZodType<z.output<T>, Record<string, unknown>>);
}

const KNOWN_ITEMS = new Set(['message', 'function_call', 'function_call_output', 'reasoning', 'item_reference']);
/** Hosted-tool calls and outputs, custom tool calls, …: a Responses channel reads them. */
const otherItem = z.object({ type: z.string() }).loose();

export const inputItem = z.union([
  ofType((type) => type === undefined || type === 'message', messageItem),
  ofType((type) => type === 'function_call', functionCallItem),
  ofType((type) => type === 'function_call_output', functionCallOutputItem),
  ofType((type) => type === 'reasoning', reasoningItem),
  ofType((type) => type === 'item_reference', itemReference),
  ofType((type) => typeof type === 'string' && !KNOWN_ITEMS.has(type), otherItem),
]);

export const functionTool = z
  .object({
    type: z.literal('function'),
    name: z.string().min(1).max(128),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  })
  .loose();
/** web_search, file_search, code_interpreter, mcp, custom, …: only a Responses channel can run them. */
const hostedTool = z.object({ type: z.string() }).loose();
const tool = z.union([ofType((type) => type === 'function', functionTool), ofType((type) => typeof type === 'string' && type !== 'function', hostedTool)]);

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  ofType((type) => type === 'function', z.object({ type: z.literal('function'), name: z.string().min(1) }).loose()),
  ofType(
    (type) => type === 'allowed_tools',
    z.object({ type: z.literal('allowed_tools'), mode: z.enum(['auto', 'required']), tools: z.array(z.record(z.string(), z.unknown())) }).loose(),
  ),
  ofType((type) => typeof type === 'string' && type !== 'function' && type !== 'allowed_tools', z.object({ type: z.string() }).loose()),
]);

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z
    .object({
      type: z.literal('json_schema'),
      name: z.string().min(1).max(64),
      schema: z.record(z.string(), z.unknown()),
      description: z.string().optional(),
      strict: z.boolean().nullish(),
    })
    .loose(),
]);

export const responsesRequest = z
  .object({
    model: z.string().min(1).max(256),
    input: z.union([z.string(), z.array(inputItem)]).optional(),
    instructions: z.string().nullish(),
    tools: z.array(tool).max(512).nullish(),
    tool_choice: toolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    max_output_tokens: z.int().min(1).max(MAX_TOKENS).nullish(),
    max_tool_calls: z.int().min(1).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    top_logprobs: z.int().min(0).max(20).nullish(),
    text: z.object({ format: textFormat.nullish(), verbosity: z.enum(['low', 'medium', 'high']).nullish() }).loose().nullish(),
    reasoning: z
      .object({
        effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
        summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
      })
      .loose()
      .nullish(),
    store: z.boolean().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    include: z.array(z.string()).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_obfuscation: z.boolean().optional() }).loose().nullish(),
    user: z.string().nullish(),
    safety_identifier: z.string().nullish(),
    prompt_cache_key: z.string().nullish(),
    service_tier: z.string().nullish(),
    truncation: z.enum(['auto', 'disabled']).nullish(),
    background: z.boolean().nullish(),
    previous_response_id: z.string().nullish(),
    conversation: z.unknown().optional(),
  })
  .loose();

export type ResponsesRequest = z.output<typeof responsesRequest>;
export type ResponsesInputItem = z.output<typeof inputItem>;
export type ResponsesMessageItem = z.output<typeof messageItem>;
export type ResponsesReasoningItem = z.output<typeof reasoningItem>;
/**
 * The item kinds Switchboard reads. The catch-all branch refuses their type names, so an
 * item whose type is one of these is exactly that shape: narrowing by `type` is sound.
 */
export type ResponsesKnownItem =
  | z.output<typeof functionCallItem>
  | z.output<typeof functionCallOutputItem>
  | ResponsesReasoningItem
  | z.output<typeof itemReference>;
export type ResponsesFunctionTool = z.output<typeof functionTool>;
export type ResponsesOtherItem = z.output<typeof otherItem>;
