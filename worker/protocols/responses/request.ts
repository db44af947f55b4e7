// The Responses API as the client's format: validate the body into an InboundRequest.
// Switchboard keeps no responses, so anything that points at server-side state is a 400.
import type { ReasoningState } from '../canonical';
import type { ResponsesInbound } from '../inbound';
import type { Result, RouteContext } from '../types';
import { estimateTokens } from '../shared/estimate';
import { newestStateDialect, stateFromClient } from '../shared/reasoning-state';
import { invalid, isPlainObject, validate } from '../shared/validation';
import { responsesRequest, type ResponsesInputItem, type ResponsesReasoningItem, type ResponsesRequest } from './request-schema';

const notAnObject = { ok: false as const, error: { kind: 'invalid_request' as const, message: 'The request body must be a JSON object.' } };

const STATELESS = 'Switchboard is stateless: it keeps no responses or conversations. Send the full input instead.';

export function inputItems(request: ResponsesRequest): ResponsesInputItem[] {
  const input = request.input;
  if (input === undefined) return [];
  return typeof input === 'string' ? [{ role: 'user', content: input }] : input;
}

/** The reasoning state a history item carries, read the way responsesToCanonical reads it. */
export function itemState(item: ResponsesInputItem): ReasoningState | undefined {
  if (item.type !== 'reasoning') return undefined;
  const reasoning = item as ResponsesReasoningItem;
  const value = reasoning.encrypted_content;
  if (typeof value !== 'string' || value === '') return undefined;
  const native: Omit<ReasoningState, 'dialect' | 'value'> = { kind: 'encrypted' };
  if (typeof reasoning.id === 'string' && reasoning.id !== '') native.id = reasoning.id;
  return stateFromClient('openai-responses', value, native);
}

function refuseStateful(request: ResponsesRequest, items: ResponsesInputItem[]): Result<null> {
  if (request.previous_response_id !== undefined && request.previous_response_id !== null) return invalid('previous_response_id', STATELESS);
  if (request.conversation !== undefined && request.conversation !== null) return invalid('conversation', STATELESS);
  if (request.background === true) return invalid('background', 'Background responses need stored state, which Switchboard does not keep; stream instead.');
  for (const [index, item] of items.entries()) {
    if (item.type === 'item_reference') return invalid(`input[${index}]`, `Item references point at stored items. ${STATELESS}`);
  }
  return { ok: true, value: null };
}

function capabilities(request: ResponsesRequest, items: ResponsesInputItem[]): string[] {
  const needed: string[] = [];
  if ((request.tools ?? []).some((tool) => tool.type === 'function')) needed.push('tools');
  const vision = items.some((item) => {
    const content = 'content' in item ? item.content : undefined;
    const output = item.type === 'function_call_output' && 'output' in item ? item.output : undefined;
    const hasImage = (parts: unknown): boolean => Array.isArray(parts) && parts.some((part) => isPlainObject(part) && part.type === 'input_image');
    return hasImage(content) || hasImage(output);
  });
  if (vision) needed.push('vision');
  const format = request.text?.format?.type;
  if (format === 'json_object' || format === 'json_schema') needed.push('json_mode');
  return needed;
}

export function parseResponsesInbound(body: unknown, raw: string, route: RouteContext): Result<ResponsesInbound> {
  if (!isPlainObject(body)) return notAnObject;
  if (route.operation === 'embed') return { ok: false, error: { kind: 'not_found', message: 'The Responses API has no embeddings route.' } };
  const parsed = validate(responsesRequest, body);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  const items = inputItems(request);
  const refused = refuseStateful(request, items);
  if (!refused.ok) return refused;
  // `store: true` is accepted and ignored: nothing is kept, and every answer says store:false.
  const stream = request.stream === true;
  return {
    ok: true,
    value: {
      protocol: 'openai-responses',
      operation: route.operation,
      model: request.model,
      stream,
      // Responses streams always carry usage (in response.completed): nothing to strip.
      include_usage: stream,
      body,
      raw,
      request,
      capabilities: capabilities(request, items),
      input_tokens_estimate: estimateTokens(body.instructions ?? null) + estimateTokens(body.input ?? null) + estimateTokens(body.tools ?? null),
      max_output_tokens: request.max_output_tokens ?? null,
      bound_dialect: newestStateDialect(items.map(itemState)),
      headers: route.headers ?? {},
      query: route.query ?? '',
    },
  };
}

/** The answer of `POST /v1/responses/input_tokens`. */
export function renderResponsesCountTokens(tokens: number): string {
  return JSON.stringify({ object: 'response.input_tokens', input_tokens: tokens });
}
