// Anthropic Messages (and count_tokens), as api.anthropic.com serves them.
import { randomAlphanumeric } from '../random';
import { countInputTokens, planReply, type Conversation, type FinishReason, type ReplyPlan, type ToolChoice } from '../reply-plan';
import { collectText, joinText, toolResultText } from '../text-generation';
import { explicitCache, type ExplicitCache } from './prompt-cache';
import { isOwnState, signState } from './reasoning-signatures';
import { anthropicServiceMessage } from './service-errors';
import { isRecord, planOptions, type Dialect, type DialectContext, type DialectReply, type JsonReply, type StreamFrame } from './types';

const THINKING_TOKENS = 16;
const STOP_REASONS: Record<FinishReason, string> = { stop: 'end_turn', 'stop-sequence': 'stop_sequence', length: 'max_tokens', 'tool-call': 'tool_use' };
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 504: 'timeout_error',
  529: 'overloaded_error',
};

export const anthropicDialect: Dialect = {
  route(method, path) {
    if (method === 'POST' && path === '/v1/messages') return { endpoint: 'messages' };
    if (method === 'POST' && path === '/v1/messages/count_tokens') return { endpoint: 'count-tokens' };
    return undefined;
  },
  handle(route, body, context) {
    if (!isRecord(body)) return anthropicError(400, 'The request body must be a JSON object.');
    const generates = route.endpoint === 'messages';
    const invalid = validate(body, generates) ?? (generates ? checkThinkingBlocks(body.messages as unknown[]) : undefined);
    if (invalid) return anthropicError(400, invalid);
    const conversation = toConversation(body);
    if (route.endpoint === 'count-tokens') {
      return { kind: 'json', status: 200, outputTokens: 0, body: { input_tokens: countInputTokens(conversation) } };
    }
    return messagesReply(body, conversation, context);
  },
  error: (status, message) => anthropicError(status, message),
  notFound: (method, path) => anthropicError(404, `Not found: ${method} ${path}`),
  serviceError(route, body, status) {
    const reply = anthropicError(status, anthropicServiceMessage(status));
    if (!(isRecord(body) && body.stream === true && route.endpoint === 'messages')) return reply;
    return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames: [{ text: `event: error\ndata: ${JSON.stringify(reply.body)}\n\n`, tokens: 0 }] };
  },
};

export function anthropicError(status: number, message: string): JsonReply {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { kind: 'json', status, outputTokens: 0, body: { type: 'error', error: { type, message } } };
}

function validate(body: Record<string, unknown>, needsMaxTokens: boolean): string | undefined {
  if (typeof body.model !== 'string') return 'model: Field required';
  if (needsMaxTokens && typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  return undefined;
}

/** Thinking state must be this dialect's own, unchanged, as Anthropic checks it. */
function checkThinkingBlocks(messages: unknown[]): string | undefined {
  for (const [messageIndex, message] of messages.entries()) {
    if (!isRecord(message) || !Array.isArray(message.content)) continue;
    for (const [blockIndex, block] of message.content.entries()) {
      const where = `messages.${messageIndex}.content.${blockIndex}`;
      if (!isRecord(block)) continue;
      if (block.type === 'thinking') {
        if (typeof block.signature !== 'string') return `${where}.thinking.signature: Field required`;
        if (!isOwnState('anthropic', block.signature, String(block.thinking ?? ''))) return `${where}: Invalid \`signature\` in \`thinking\` block`;
      }
      if (block.type === 'redacted_thinking' && !isOwnState('anthropic', block.data)) return `${where}: Invalid \`data\` in \`redacted_thinking\` block`;
    }
  }
  return undefined;
}

function messagesReply(body: Record<string, unknown>, conversation: Conversation, context: DialectContext): DialectReply {
  const plan = planReply(conversation, planOptions(context));
  const messages = body.messages as unknown[];
  const markers = JSON.stringify([body.system ?? null, body.tools ?? null, messages]);
  const marked = markers.includes('"cache_control"');
  // A timed cache (behaviour `prompt_cache`) reads automatically, like OpenAI's; writes are not modelled.
  const cache = context.timedCache ? { read: context.timedCache(conversation, plan.inputTokens), created: 0 } : marked ? explicitCache(conversation, plan.inputTokens, JSON.stringify(messages[messages.length - 1] ?? null).includes('"cache_control"'), context) : { read: 0, created: 0 };
  // A breakpoint with ttl "1h" makes the write a one-hour write (priced higher by Anthropic).
  const oneHour = /"ttl"\s*:\s*"1h"/.test(markers);
  // display "omitted": the block carries only its signature, over the (empty) text shown.
  const omitted = isRecord(body.thinking) && body.thinking.display === 'omitted';
  const thinkingText = omitted ? '' : plan.reasoning.join('');
  const thinking = plan.reasoning.length > 0 ? { text: thinkingText, signature: signState('anthropic', thinkingText), omitted } : undefined;
  const reported = (outputTokens: number) => (context.behaviour.omit_usage ? undefined : usage(plan, cache, outputTokens, oneHour));
  const toolId = `toolu_01${randomAlphanumeric(context.random, 22)}`;
  const message = {
    id: `msg_01${randomAlphanumeric(context.random, 22)}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
  };
  const stopReason = STOP_REASONS[plan.finish];
  const stopSequence = plan.stopSequence ?? null;
  if (body.stream === true) return streamReply(plan, message, reported(1), thinking, toolId, stopReason, stopSequence);
  const content: object[] = [];
  if (thinking) content.push({ type: 'thinking', thinking: thinking.text, signature: thinking.signature });
  if (plan.content.type === 'text') content.push({ type: 'text', text: plan.content.tokens.join('') });
  else content.push({ type: 'tool_use', id: toolId, name: plan.content.name, input: plan.content.arguments });
  const usageReported = reported(plan.outputTokens);
  const reply = { ...message, content, stop_reason: stopReason, stop_sequence: stopSequence, ...(usageReported ? { usage: usageReported } : {}) };
  return { kind: 'json', status: 200, outputTokens: plan.outputTokens, body: reply };
}

/** input_tokens excludes cache reads and writes, as Anthropic reports it. */
function usage(plan: ReplyPlan, cache: ExplicitCache, outputTokens: number, oneHour: boolean) {
  return {
    input_tokens: plan.inputTokens - cache.read - cache.created,
    cache_creation_input_tokens: cache.created,
    cache_read_input_tokens: cache.read,
    cache_creation: { ephemeral_5m_input_tokens: oneHour ? 0 : cache.created, ephemeral_1h_input_tokens: oneHour ? cache.created : 0 },
    output_tokens: outputTokens,
    ...(plan.reasoningTokens > 0 ? { output_tokens_details: { thinking_tokens: plan.reasoningTokens } } : {}),
    service_tier: 'standard',
  };
}

function streamReply(
  plan: ReplyPlan,
  message: Record<string, unknown>,
  startUsage: ReturnType<typeof usage> | undefined,
  thinking: { text: string; signature: string; omitted: boolean } | undefined,
  toolId: string,
  stopReason: string,
  stopSequence: string | null,
): DialectReply {
  const frames: StreamFrame[] = [];
  const event = (type: string, data: object, tokens = 0) => frames.push({ text: `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`, tokens });
  event('message_start', { message: { ...message, content: [], stop_reason: null, stop_sequence: null, ...(startUsage ? { usage: startUsage } : {}) } });
  let index = 0;
  const block = (start: object, deltas: Array<[object, number]>) => {
    event('content_block_start', { index, content_block: start });
    if (index === 0) event('ping', {});
    for (const [delta, tokens] of deltas) event('content_block_delta', { index, delta }, tokens);
    event('content_block_stop', { index });
    index += 1;
  };
  if (thinking) {
    const deltas: Array<[object, number]> = thinking.omitted ? [] : plan.reasoning.map((token) => [{ type: 'thinking_delta', thinking: token }, 1]);
    deltas.push([{ type: 'signature_delta', signature: thinking.signature }, thinking.omitted ? plan.reasoning.length : 0]);
    block({ type: 'thinking', thinking: '', signature: '' }, deltas);
  }
  if (plan.content.type === 'text') {
    block({ type: 'text', text: '' }, plan.content.tokens.map((token) => [{ type: 'text_delta', text: token }, 1]));
  } else {
    const pieces: Array<[object, number]> = plan.content.argumentChunks.map((piece) => [{ type: 'input_json_delta', partial_json: piece }, 1]);
    block({ type: 'tool_use', id: toolId, name: plan.content.name, input: {} }, [[{ type: 'input_json_delta', partial_json: '' }, 0], ...pieces]);
  }
  const delta = { stop_reason: stopReason, stop_sequence: stopSequence };
  if (startUsage) {
    const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens } = startUsage;
    event('message_delta', { delta, usage: { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens: plan.outputTokens } });
  } else {
    event('message_delta', { delta });
  }
  event('message_stop', {});
  return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames };
}

function toConversation(body: Record<string, unknown>): Conversation {
  const messages = body.messages as unknown[];
  const last = messages[messages.length - 1];
  // Client tools only: server tools (web_search_…) carry a versioned type and run at Anthropic.
  const tools = Array.isArray(body.tools)
    ? body.tools.filter(isRecord).flatMap((tool) => (typeof tool.name === 'string' && (tool.type === undefined || tool.type === 'custom') ? [{ name: tool.name, parameters: tool.input_schema ?? {} }] : []))
    : [];
  const isResult = (part: unknown): part is Record<string, unknown> => isRecord(part) && part.type === 'tool_result';
  const result = isRecord(last) && Array.isArray(last.content) ? last.content.find(isResult) : undefined;
  const latestUser = messages.findLast((message) => isRecord(message) && message.role === 'user');
  const userContent = isRecord(latestUser) ? latestUser.content : '';
  const system = collectText(body.system ?? '');
  const thinking = isRecord(body.thinking) && (body.thinking.type === 'enabled' || body.thinking.type === 'adaptive');
  return {
    promptText: joinText(system, collectText(messages)),
    prefixText: joinText(system, collectText(messages.slice(0, -1))),
    turnTexts: [system, ...messages.map((message) => collectText(message))],
    toolsText: Array.isArray(body.tools) ? JSON.stringify(body.tools) : '',
    tools,
    toolChoice: toolChoice(body.tool_choice),
    lastIsToolResult: result !== undefined,
    toolResultText: result ? toolResultText(result.content) : undefined,
    latestUserText: collectText(Array.isArray(userContent) ? userContent.filter((part) => !isResult(part)) : userContent),
    maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : undefined,
    stopSequences: Array.isArray(body.stop_sequences) ? body.stop_sequences.filter((item): item is string => typeof item === 'string') : [],
    requestSeed: undefined,
    reasoningTokens: thinking ? THINKING_TOKENS : 0,
  };
}

function toolChoice(value: unknown): ToolChoice {
  if (!isRecord(value)) return { type: 'auto' };
  if (value.type === 'any') return { type: 'any' };
  if (value.type === 'none') return { type: 'none' };
  if (value.type === 'tool' && typeof value.name === 'string') return { type: 'tool', name: value.name };
  return { type: 'auto' };
}
