// OpenAI non-streaming responses: read an upstream completion into the canonical model,
// render the canonical model as a completion, or pass a same-dialect completion through.
import type { CanonicalResponse, ResponsePart } from '../canonical';
import type { InboundRequest, ResponseContext, Result, TranslatedResponse } from '../types';
import { ids } from '../shared/ids';
import { editedAnswer, setUsageCost } from '../shared/passthrough-body';
import { usageCost } from '../../core/metering';
import { malformedUpstream, parseJson } from '../shared/upstream-failure';
import { parseToolArguments } from '../shared/tool-arguments';
import { isPlainObject } from '../shared/validation';
import { convertOpenaiUsage, mapOpenaiFinishReason, toOpenaiFinishReason, toOpenaiUsage } from './mapping';

function firstChoice(body: Record<string, unknown>): Record<string, unknown> | null {
  const choices = body.choices;
  if (!Array.isArray(choices)) return null;
  const first: unknown = choices[0];
  return isPlainObject(first) ? first : null;
}

export function readOpenaiResponse(text: string): Result<CanonicalResponse> {
  const body = parseJson(text);
  if (!isPlainObject(body)) return { ok: false, error: malformedUpstream('not a JSON object') };
  const choice = firstChoice(body);
  if (!choice) return { ok: false, error: malformedUpstream('no choices') };
  const message = isPlainObject(choice.message) ? choice.message : {};
  const parts: ResponsePart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') parts.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string' && message.content !== '') parts.push({ type: 'text', text: message.content });
  else if (typeof message.refusal === 'string' && message.refusal !== '') parts.push({ type: 'text', text: message.refusal });
  if (Array.isArray(message.tool_calls)) {
    for (const [index, call] of (message.tool_calls as unknown[]).entries()) {
      if (!isPlainObject(call) || !isPlainObject(call.function)) continue;
      const args = call.function.arguments;
      // Arguments that are not a JSON object make the answer malformed: the pipeline logs it
      // and retries another channel, rather than a client receiving a call with made-up `{}`.
      if (typeof args !== 'string' || !parseToolArguments(args).ok) {
        return { ok: false, error: malformedUpstream(`tool call ${index} has arguments that are not a JSON object`) };
      }
      parts.push({
        type: 'tool-call',
        id: typeof call.id === 'string' ? call.id : '',
        name: typeof call.function.name === 'string' ? call.function.name : '',
        arguments: args,
      });
    }
  }
  return {
    ok: true,
    value: { parts, finish_reason: mapOpenaiFinishReason(choice.finish_reason), usage: convertOpenaiUsage(body.usage) },
  };
}

export function renderOpenaiResponse(response: CanonicalResponse, _inbound: InboundRequest, context: ResponseContext): string {
  const text = response.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const reasoning = response.parts.flatMap((part) => (part.type === 'reasoning' ? [part.text] : [])).join('');
  const toolCalls = response.parts
    .filter((part) => part.type === 'tool-call')
    .map((part, index) => ({
      id: ids.openaiToolCall(context.request_id, index),
      type: 'function',
      function: { name: part.name, arguments: part.arguments },
    }));
  const message: Record<string, unknown> = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  message.refusal = null;
  const body: Record<string, unknown> = {
    id: ids.openaiCompletion(context.request_id),
    object: 'chat.completion',
    created: Math.floor(context.created_ms / 1000),
    model: context.model,
    provider: context.channel_id,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: toOpenaiFinishReason(response.finish_reason ?? 'stop'),
      },
    ],
  };
  if (response.usage) body.usage = toOpenaiUsage(response.usage, context.price);
  return JSON.stringify(body);
}

export function passthroughOpenaiResponse(
  inbound: InboundRequest,
  text: string,
  context: ResponseContext,
): Result<TranslatedResponse> {
  const answer = editedAnswer(text, { model: context.model, provider: context.channel_id }, { provider: context.channel_id });
  if (!answer.ok) return answer;
  const { object: body, body: renamed } = answer.value;
  const usage = convertOpenaiUsage(body.usage);
  // `usage.cost`, spliced in so every other byte of the upstream's answer stays as it came.
  const edited = usage ? setUsageCost(renamed, usageCost(usage, context.price)) : renamed;
  if (inbound.operation === 'embed') return { ok: true, value: { body: edited, usage, finish_reason: null } };
  const choice = firstChoice(body);
  return { ok: true, value: { body: edited, usage, finish_reason: mapOpenaiFinishReason(choice?.finish_reason) } };
}
