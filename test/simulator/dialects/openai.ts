// OpenAI Chat Completions, Embeddings and Models, as api.openai.com serves them.
import { hashString, randomAlphanumeric } from '../random';
import { planReply, type Conversation, type FinishReason, type ReplyPlan, type ToolChoice } from '../reply-plan';
import { collectText, toolResultText } from '../text-generation';
import { embeddingsReply } from './openai-embeddings';
import { automaticCachedTokens } from './prompt-cache';
import { openaiServiceError } from './service-errors';
import { isRecord, planOptions, type Dialect, type DialectContext, type DialectReply, type JsonReply, type StreamFrame } from './types';

const REASONING_TOKENS: Record<string, number> = { none: 0, minimal: 4, low: 8, medium: 16, high: 32, xhigh: 48 };
const FINISH_REASONS: Record<FinishReason, string> = { stop: 'stop', 'stop-sequence': 'stop', length: 'length', 'tool-call': 'tool_calls' };
const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];

export const openaiDialect: Dialect = {
  route(method, path) {
    if (method === 'POST' && path === '/v1/chat/completions') return { endpoint: 'chat' };
    if (method === 'POST' && path === '/v1/embeddings') return { endpoint: 'embeddings' };
    if (method === 'GET' && path === '/v1/models') return { endpoint: 'models' };
    const model = /^\/v1\/models\/([^/]+)$/.exec(path);
    if (method === 'GET' && model) return { endpoint: 'model', model: decodeURIComponent(model[1]!) };
    return undefined;
  },
  handle(route, body, context) {
    if (route.endpoint === 'models') return { kind: 'json', status: 200, outputTokens: 0, body: { object: 'list', data: (context.behaviour.models ?? DEFAULT_MODELS).map(modelObject) } };
    if (route.endpoint === 'model') return { kind: 'json', status: 200, outputTokens: 0, body: modelObject(route.model!) };
    if (!isRecord(body)) return openaiError(400, 'The request body must be a JSON object.');
    if (route.endpoint === 'embeddings') return embeddingsReply(body, context) ?? openaiError(400, "'input' is a required property", 'input');
    return chatReply(body, context);
  },
  error: (status, message) => openaiError(status, message),
  notFound: (method, path) => openaiError(404, `Invalid URL (${method} ${path})`),
  serviceError(route, body, status) {
    const error = openaiServiceError(status);
    // OpenAI-compatible servers put the error object in a data line and end the stream.
    if (isRecord(body) && body.stream === true) return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames: [{ text: `data: ${JSON.stringify({ error })}\n\n`, tokens: 0 }] };
    return { kind: 'json', status, outputTokens: 0, body: { error } };
  },
};

export function openaiError(status: number, message: string, param: string | null = null): JsonReply {
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : null;
  return { kind: 'json', status, outputTokens: 0, body: { error: { message, type, param, code } } };
}

function modelObject(id: string) {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'system' };
}

function chatReply(body: Record<string, unknown>, context: DialectContext): DialectReply {
  if (typeof body.model !== 'string') return openaiError(400, "you must provide a model parameter", 'model');
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return openaiError(400, "'messages' must be a non-empty array", 'messages');
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return openaiError(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  const conversation = toConversation(body, messages);
  const plan = planReply(conversation, planOptions(context));
  const cachedTokens = automaticCachedTokens(conversation, plan.inputTokens, context);
  const usage = context.behaviour.omit_usage ? undefined : {
    prompt_tokens: plan.inputTokens,
    completion_tokens: plan.outputTokens,
    total_tokens: plan.inputTokens + plan.outputTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: plan.reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const id = `chatcmpl-${randomAlphanumeric(context.random, 29)}`;
  const created = Math.floor(Date.now() / 1000);
  const fingerprint = `fp_${hashString(String(context.seed)).toString(16).padStart(10, '0')}`;
  const head = { id, object: 'chat.completion', created, model: body.model };
  if (body.stream === true) {
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    return streamReply(plan, { ...head, object: 'chat.completion.chunk', service_tier: 'default', system_fingerprint: fingerprint }, includeUsage ? usage : undefined, context);
  }
  const toolCall = plan.content.type === 'tool-call'
    ? [{ id: `call_${randomAlphanumeric(context.random, 24)}`, type: 'function', function: { name: plan.content.name, arguments: plan.content.argumentsJson } }]
    : undefined;
  const message = {
    role: 'assistant',
    content: plan.content.type === 'text' ? plan.content.tokens.join('') : null,
    ...(toolCall ? { tool_calls: toolCall } : {}),
    refusal: null,
    annotations: [],
  };
  const choice = { index: 0, message, logprobs: null, finish_reason: FINISH_REASONS[plan.finish] };
  return { kind: 'json', status: 200, outputTokens: plan.outputTokens, body: { ...head, choices: [choice], ...(usage ? { usage } : {}), service_tier: 'default', system_fingerprint: fingerprint } };
}

function streamReply(plan: ReplyPlan, head: Record<string, unknown>, usage: object | undefined, context: DialectContext): DialectReply {
  // Every chunk shares its head; with include_usage every chunk carries "usage": null and a
  // last chunk with empty choices carries the usage.
  const prefix = JSON.stringify(head).slice(0, -1);
  const suffix = usage ? ',"usage":null}' : '}';
  const chunk = (delta: object, finish: string | null = null, tokens = 0): StreamFrame => ({
    text: `data: ${prefix},"choices":[${JSON.stringify({ index: 0, delta, logprobs: null, finish_reason: finish })}]${suffix}\n\n`,
    tokens,
  });
  const frames: StreamFrame[] = [];
  if (plan.content.type === 'text') {
    frames.push(chunk({ role: 'assistant', content: '', refusal: null }));
    for (const token of plan.content.tokens) frames.push(chunk({ content: token }, null, 1));
  } else {
    const id = `call_${randomAlphanumeric(context.random, 24)}`;
    const call = { index: 0, id, type: 'function', function: { name: plan.content.name, arguments: '' } };
    frames.push(chunk({ role: 'assistant', content: null, tool_calls: [call], refusal: null }));
    for (const piece of plan.content.argumentChunks) frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null, 1));
  }
  frames.push(chunk({}, FINISH_REASONS[plan.finish]));
  if (usage) frames.push({ text: `data: ${prefix},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`, tokens: 0 });
  frames.push({ text: 'data: [DONE]\n\n', tokens: 0 });
  return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames };
}

function toConversation(body: Record<string, unknown>, messages: unknown[]): Conversation {
  const tools = Array.isArray(body.tools)
    ? body.tools.filter(isRecord).flatMap((tool) => (isRecord(tool.function) && typeof tool.function.name === 'string' ? [{ name: tool.function.name, parameters: tool.function.parameters ?? {} }] : []))
    : [];
  const last = messages[messages.length - 1];
  const isToolResult = (message: unknown) => isRecord(message) && (message.role === 'tool' || message.role === 'function');
  let firstResult = messages.length;
  while (firstResult > 0 && isToolResult(messages[firstResult - 1])) firstResult -= 1;
  const latestUser = messages.findLast((message) => isRecord(message) && message.role === 'user');
  const stop = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? body.stop.filter((item): item is string => typeof item === 'string') : [];
  const maxTokens = typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : typeof body.max_tokens === 'number' ? body.max_tokens : undefined;
  const effort = typeof body.reasoning_effort === 'string' ? body.reasoning_effort : isRecord(body.reasoning) && typeof body.reasoning.effort === 'string' ? body.reasoning.effort : undefined;
  return {
    promptText: collectText(messages),
    prefixText: collectText(messages.slice(0, -1)),
    turnTexts: messages.map((message) => collectText(message)),
    toolsText: Array.isArray(body.tools) ? JSON.stringify(body.tools) : '',
    tools,
    toolChoice: toolChoice(body.tool_choice),
    lastIsToolResult: isToolResult(last),
    toolResultText: firstResult < messages.length ? toolResultText((messages[firstResult] as Record<string, unknown>).content) : undefined,
    latestUserText: isRecord(latestUser) ? collectText(latestUser.content) : '',
    maxTokens,
    stopSequences: stop,
    requestSeed: typeof body.seed === 'number' ? body.seed : undefined,
    reasoningTokens: effort === undefined ? 0 : (REASONING_TOKENS[effort] ?? 16),
    responseSchema: responseSchema(body.response_format),
  };
}

function toolChoice(value: unknown): ToolChoice {
  if (value === 'required') return { type: 'any' };
  if (value === 'none') return { type: 'none' };
  if (isRecord(value) && value.type === 'function' && isRecord(value.function) && typeof value.function.name === 'string') {
    return { type: 'tool', name: value.function.name };
  }
  if (isRecord(value) && value.type === 'allowed_tools' && isRecord(value.allowed_tools) && value.allowed_tools.mode === 'required') {
    const names = Array.isArray(value.allowed_tools.tools) ? value.allowed_tools.tools.filter(isRecord).map((tool) => (isRecord(tool.function) ? String(tool.function.name) : '')) : [];
    return { type: 'any', allowed: names };
  }
  return { type: 'auto' };
}

function responseSchema(format: unknown): unknown {
  if (!isRecord(format)) return undefined;
  if (format.type === 'json_schema' && isRecord(format.json_schema)) return format.json_schema.schema ?? {};
  if (format.type === 'json_object') return { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
  return undefined;
}
