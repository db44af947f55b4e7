// Gemini generateContent / streamGenerateContent / countTokens, as the Gemini API serves them.
// Accepts both camelCase and snake_case request fields, as the REST API does.
import { randomAlphanumeric } from '../random';
import { countInputTokens, planReply, type Conversation, type ReplyPlan, type ToolChoice } from '../reply-plan';
import { collectText, joinText, toolResultText } from '../text-generation';
import { automaticCachedTokens } from './prompt-cache';
import { GEMINI_SKIP_SIGNATURES, isOwnState, signState } from './reasoning-signatures';
import { geminiServiceMessage } from './service-errors';
import { isRecord, planOptions, type Dialect, type DialectContext, type DialectReply, type JsonReply, type StreamFrame } from './types';

const THINKING_TOKENS = 16;
const STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED', 499: 'CANCELLED', 500: 'INTERNAL', 501: 'UNIMPLEMENTED', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};
const ROUTE = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

export const geminiDialect: Dialect = {
  route(method, path, query) {
    const match = method === 'POST' ? ROUTE.exec(path.replace(/%3A/gi, ':')) : null;
    if (!match) return undefined;
    const model = decodeURIComponent(match[2]!);
    if (match[3] === 'countTokens') return { endpoint: 'count-tokens', model };
    return { endpoint: 'generate', model, stream: match[3] === 'streamGenerateContent', sse: query.get('alt') === 'sse' };
  },
  handle(route, body, context) {
    if (!isRecord(body)) return geminiError(400, 'Invalid JSON payload received. Expected an object.');
    const contents = body.contents;
    if (!Array.isArray(contents) || contents.length === 0) return geminiError(400, '* GenerateContentRequest.contents: contents is not specified');
    const badSignature = route.endpoint === 'generate' ? findForeignSignature(contents) : undefined;
    if (badSignature) return geminiError(400, `Corrupted thought signature at ${badSignature}.`);
    const conversation = toConversation(body, contents);
    if (route.endpoint === 'count-tokens') {
      const totalTokens = countInputTokens(conversation);
      return { kind: 'json', status: 200, outputTokens: 0, body: { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] } };
    }
    return generateReply(route.model!, route.stream === true, route.sse === true, conversation, context);
  },
  error: (status, message) => geminiError(status, message),
  notFound: (method, path) => geminiError(404, `Method not found: ${method} ${path}`),
  serviceError(route, _body, status) {
    const reply = geminiError(status, geminiServiceMessage(status));
    if (route.stream !== true) return reply;
    const json = JSON.stringify(reply.body);
    // With ?alt=sse one data line; without, the JSON array Gemini streams otherwise.
    const text = route.sse === true ? `data: ${json}\r\n\r\n` : `[${json}]`;
    return { kind: 'stream', contentType: route.sse === true ? 'text/event-stream' : 'application/json; charset=UTF-8', frames: [{ text, tokens: 0 }] };
  },
};

/** Where a part carries a thoughtSignature this dialect did not make ("contents[1].parts[0]"). */
function findForeignSignature(contents: unknown[]): string | undefined {
  for (const [contentIndex, content] of contents.entries()) {
    if (!isRecord(content) || !Array.isArray(content.parts)) continue;
    for (const [partIndex, part] of content.parts.entries()) {
      const signature = isRecord(part) ? field(part, 'thoughtSignature', 'thought_signature') : undefined;
      if (signature === undefined || (typeof signature === 'string' && GEMINI_SKIP_SIGNATURES.has(signature))) continue;
      if (!isOwnState('gemini', signature)) return `contents[${contentIndex}].parts[${partIndex}]`;
    }
  }
  return undefined;
}

export function geminiError(status: number, message: string): JsonReply {
  const statusName = STATUSES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
  return { kind: 'json', status, outputTokens: 0, body: { error: { code: status, message, status: statusName } } };
}

function generateReply(model: string, stream: boolean, sse: boolean, conversation: GeminiConversation, context: DialectContext): DialectReply {
  const plan = planReply(conversation, planOptions(context));
  const cached = automaticCachedTokens(conversation, plan.inputTokens, context);
  const includeThoughts = conversation.includeThoughts === true;
  // A thinking model signs its answer: the first answer part (the functionCall, for a call).
  const answer = plan.content.type === 'text' ? plan.content.tokens.join('') : `${plan.content.name}${plan.content.argumentsJson}`;
  const signature = plan.reasoningTokens > 0 ? { thoughtSignature: signState('gemini', `${conversation.promptText}\u0000${answer}`) } : {};
  const omitUsage = context.behaviour.omit_usage;
  const tail = { modelVersion: model, responseId: randomAlphanumeric(context.random, 23) };
  const finishReason = plan.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
  if (!stream) {
    const parts: object[] = [];
    if (includeThoughts) parts.push({ text: plan.reasoning.join(''), thought: true });
    parts.push(plan.content.type === 'text' ? { text: plan.content.tokens.join(''), ...signature } : { functionCall: { name: plan.content.name, args: plan.content.arguments }, ...signature });
    const candidate = { content: { parts, role: 'model' }, finishReason, index: 0 };
    const usage = omitUsage ? {} : { usageMetadata: usageMetadata(plan, cached, plan.reasoningTokens, visibleTokens(plan)) };
    const body = { candidates: [candidate], ...usage, ...tail };
    return { kind: 'json', status: 200, outputTokens: plan.outputTokens, body };
  }
  return streamReply(plan, cached, { includeThoughts, signature, omitUsage }, finishReason, tail, sse);
}

interface StreamOptions {
  includeThoughts: boolean;
  signature: { thoughtSignature?: string };
  omitUsage: boolean;
}

function streamReply(plan: ReplyPlan, cached: number, options: StreamOptions, finishReason: string, tail: object, sse: boolean): DialectReply {
  const { includeThoughts, signature } = options;
  const suffix = JSON.stringify(tail).slice(1);
  const chunks: Array<{ part: object; tokens: number; thoughts: number; visible: number }> = [];
  let thoughts = includeThoughts ? 0 : plan.reasoningTokens;
  let visible = 0;
  if (includeThoughts) for (const token of plan.reasoning) chunks.push({ part: { text: token, thought: true }, tokens: 1, thoughts: ++thoughts, visible });
  if (plan.content.type === 'text') {
    plan.content.tokens.forEach((token, index) => chunks.push({ part: { text: token, ...(index === 0 ? signature : {}) }, tokens: 1, thoughts, visible: ++visible }));
    if (plan.content.tokens.length === 0) chunks.push({ part: { text: '', ...signature }, tokens: 0, thoughts, visible });
  } else {
    // Gemini sends a function call whole, in one chunk; it counts all its tokens.
    visible = plan.content.argumentChunks.length;
    chunks.push({ part: { functionCall: { name: plan.content.name, args: plan.content.arguments }, ...signature }, tokens: visible, thoughts, visible });
  }
  const frames: StreamFrame[] = chunks.map((chunk, index) => {
    const last = index === chunks.length - 1;
    const candidate = { content: { parts: [chunk.part], role: 'model' }, ...(last ? { finishReason } : {}), index: 0 };
    const usage = options.omitUsage ? '' : `"usageMetadata":${JSON.stringify(usageMetadata(plan, cached, chunk.thoughts, chunk.visible))},`;
    const json = `{"candidates":[${JSON.stringify(candidate)}],${usage}${suffix}`;
    const text = sse ? `data: ${json}\r\n\r\n` : `${index === 0 ? '[' : ',\r\n'}${json}`;
    return { text, tokens: chunk.tokens };
  });
  if (!sse) frames.push({ text: ']', tokens: 0 });
  return { kind: 'stream', contentType: sse ? 'text/event-stream' : 'application/json; charset=UTF-8', frames };
}

/** candidatesTokenCount excludes thoughts; totalTokenCount includes them. */
function usageMetadata(plan: ReplyPlan, cached: number, thoughts: number, visible: number) {
  return {
    promptTokenCount: plan.inputTokens,
    candidatesTokenCount: visible,
    totalTokenCount: plan.inputTokens + visible + thoughts,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: plan.inputTokens }],
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
  };
}

function visibleTokens(plan: ReplyPlan): number {
  return plan.outputTokens - plan.reasoningTokens;
}

interface GeminiConversation extends Conversation {
  /** thinkingConfig.includeThoughts: reasoning is returned as parts with `thought: true`. */
  includeThoughts: boolean;
}

function field(record: Record<string, unknown>, camel: string, snake: string): unknown {
  return record[camel] ?? record[snake];
}

function toConversation(body: Record<string, unknown>, contents: unknown[]): GeminiConversation {
  const generation = isRecord(field(body, 'generationConfig', 'generation_config')) ? (field(body, 'generationConfig', 'generation_config') as Record<string, unknown>) : {};
  const thinking = field(generation, 'thinkingConfig', 'thinking_config');
  const budget = isRecord(thinking) ? field(thinking, 'thinkingBudget', 'thinking_budget') : undefined;
  const thinks = isRecord(thinking) && budget !== 0;
  const declarations = Array.isArray(body.tools)
    ? body.tools.filter(isRecord).flatMap((tool) => {
        const list = field(tool, 'functionDeclarations', 'function_declarations');
        return Array.isArray(list) ? list.filter(isRecord) : [];
      })
    : [];
  const tools = declarations.flatMap((declaration) =>
    typeof declaration.name === 'string'
      ? [{ name: declaration.name, parameters: declaration.parameters ?? field(declaration, 'parametersJsonSchema', 'parameters_json_schema') ?? {} }]
      : [],
  );
  const last = contents[contents.length - 1];
  const responseOf = (part: unknown) => (isRecord(part) ? field(part, 'functionResponse', 'function_response') : undefined);
  const result = isRecord(last) && Array.isArray(last.parts) ? last.parts.find((part) => responseOf(part) !== undefined) : undefined;
  const latestUser = contents.findLast((content) => isRecord(content) && content.role !== 'model' && Array.isArray(content.parts) && content.parts.some((part) => isRecord(part) && typeof part.text === 'string'));
  const userParts = isRecord(latestUser) && Array.isArray(latestUser.parts) ? latestUser.parts.filter((part) => responseOf(part) === undefined) : [];
  const system = collectText(field(body, 'systemInstruction', 'system_instruction') ?? '');
  const maxTokens = field(generation, 'maxOutputTokens', 'max_output_tokens');
  const stop = field(generation, 'stopSequences', 'stop_sequences');
  const seed = generation.seed;
  const mime = field(generation, 'responseMimeType', 'response_mime_type');
  const schema = field(generation, 'responseJsonSchema', 'response_json_schema') ?? field(generation, 'responseSchema', 'response_schema');
  return {
    promptText: joinText(system, collectText(contents)),
    prefixText: joinText(system, collectText(contents.slice(0, -1))),
    turnTexts: [system, ...contents.map((content) => collectText(content))],
    toolsText: Array.isArray(body.tools) ? JSON.stringify(body.tools) : '',
    tools,
    toolChoice: toolChoice(field(body, 'toolConfig', 'tool_config')),
    lastIsToolResult: result !== undefined,
    toolResultText: result !== undefined ? toolResultText((responseOf(result) as Record<string, unknown> | undefined)?.response) : undefined,
    latestUserText: collectText(userParts),
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    stopSequences: Array.isArray(stop) ? stop.filter((item): item is string => typeof item === 'string') : [],
    requestSeed: typeof seed === 'number' ? seed : undefined,
    reasoningTokens: thinks ? THINKING_TOKENS : 0,
    includeThoughts: thinks && isRecord(thinking) && field(thinking, 'includeThoughts', 'include_thoughts') === true,
    responseSchema: mime === 'application/json' ? (schema ?? { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] }) : undefined,
  };
}

function toolChoice(config: unknown): ToolChoice {
  const calling = isRecord(config) ? field(config, 'functionCallingConfig', 'function_calling_config') : undefined;
  if (!isRecord(calling)) return { type: 'auto' };
  const allowed = field(calling, 'allowedFunctionNames', 'allowed_function_names');
  if (calling.mode === 'ANY') return { type: 'any', allowed: Array.isArray(allowed) ? allowed.filter((name): name is string => typeof name === 'string') : undefined };
  if (calling.mode === 'NONE') return { type: 'none' };
  return { type: 'auto' };
}
