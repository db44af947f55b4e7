// OpenAI Responses (`POST /v1/responses`), as api.openai.com serves it: stateless (nothing is
// stored, so `previous_response_id` is unknown), streamed as typed events or not.
import type { RandomSource } from '../../../worker/core/types';
import { hashString } from '../random';
import { planReply, type ReplyPlan } from '../reply-plan';
import { openaiDialect, openaiError } from './openai';
import { automaticCachedTokens } from './prompt-cache';
import { signState } from './reasoning-signatures';
import { checkReasoningItems, inputItems, toResponsesConversation, type ResponsesConversation } from './responses-input';
import { outputItems, responseHead, type AnswerItems } from './responses-output';
import { failedStream, responsesStream } from './responses-stream';
import { openaiServiceError } from './service-errors';
import { isRecord, planOptions, type Dialect, type DialectContext, type DialectReply, type JsonReply } from './types';

export const responsesDialect: Dialect = {
  route(method, path, query) {
    if (method === 'POST' && path === '/v1/responses') return { endpoint: 'responses' };
    // The same API host lists its models.
    const models = method === 'GET' ? openaiDialect.route(method, path, query) : undefined;
    return models?.endpoint === 'models' || models?.endpoint === 'model' ? models : undefined;
  },
  handle(route, body, context) {
    if (route.endpoint !== 'responses') return openaiDialect.handle(route, body, context);
    if (!isRecord(body)) return openaiError(400, 'The request body must be a JSON object.');
    if (typeof body.model !== 'string') return responsesError(400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    if (typeof body.previous_response_id === 'string') {
      return responsesError(400, `Previous response with id '${body.previous_response_id}' not found.`, 'previous_response_id', 'previous_response_not_found');
    }
    if (typeof body.input !== 'string' && !Array.isArray(body.input)) return responsesError(400, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
    const items = inputItems(body.input);
    const problem = checkReasoningItems(items);
    if (problem) return responsesError(400, problem.message, problem.param, problem.code);
    return respond(body, toResponsesConversation(body, items), context);
  },
  error: (status, message) => openaiError(status, message),
  notFound: (method, path) => openaiError(404, `Invalid URL (${method} ${path})`),
  serviceError(_route, body, status) {
    const error = openaiServiceError(status);
    if (!(isRecord(body) && body.stream === true)) return { kind: 'json', status, outputTokens: 0, body: { error } };
    // Server trouble ends a streamed response with response.failed; request errors with an error event.
    if (status >= 500) return failedStream(responseHead(body, `resp_${hashString(JSON.stringify(body)).toString(16).padStart(48, '0')}`), { code: 'server_error', message: error.message });
    const event = { type: 'error', code: error.code, message: error.message, param: null, sequence_number: 0 };
    return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', frames: [{ text: `event: error\ndata: ${JSON.stringify(event)}\n\n`, tokens: 0 }] };
  },
};

function responsesError(status: number, message: string, param: string | null, code: string | null): JsonReply {
  return { kind: 'json', status, outputTokens: 0, body: { error: { message, type: 'invalid_request_error', param, code } } };
}

function respond(body: Record<string, unknown>, conversation: ResponsesConversation, context: DialectContext): DialectReply {
  const plan = planReply(conversation, planOptions(context));
  const cachedTokens = automaticCachedTokens(conversation, plan.inputTokens, context);
  const usage = context.behaviour.omit_usage ? undefined : {
    input_tokens: plan.inputTokens,
    input_tokens_details: { cached_tokens: cachedTokens },
    output_tokens: plan.outputTokens,
    output_tokens_details: { reasoning_tokens: plan.reasoningTokens },
    total_tokens: plan.inputTokens + plan.outputTokens,
  };
  const head = responseHead(body, `resp_${randomHex(context.random, 48)}`);
  const answer = answerItems(plan, conversation, context.random);
  if (body.stream === true) return responsesStream(plan, head, answer, usage);
  const incomplete = plan.finish === 'length';
  const final = {
    ...head,
    status: incomplete ? 'incomplete' : 'completed',
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    output: outputItems(answer, incomplete ? 'incomplete' : 'completed'),
    usage,
  };
  if (!usage) delete (final as Record<string, unknown>).usage;
  return { kind: 'json', status: 200, outputTokens: plan.outputTokens, body: final };
}

function answerItems(plan: ReplyPlan, conversation: ResponsesConversation, random: RandomSource): AnswerItems {
  const answer: AnswerItems = {};
  if (plan.reasoning.length > 0) {
    const summary = plan.reasoning.join('');
    const encrypted = conversation.includeEncrypted ? signState('openai-responses', `${conversation.promptText}\u0000${summary}`) : undefined;
    answer.reasoning = { id: `rs_${randomHex(random, 48)}`, summary, encrypted };
  }
  if (plan.content.type === 'text') answer.message = { id: `msg_${randomHex(random, 48)}`, text: plan.content.tokens.join('') };
  else answer.call = { id: `fc_${randomHex(random, 48)}`, callId: `call_${randomHex(random, 24)}`, name: plan.content.name, arguments: plan.content.argumentsJson };
  return answer;
}

function randomHex(random: RandomSource, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += Math.floor(random() * 16).toString(16);
  return text;
}
