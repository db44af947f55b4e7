// Canonical request → an OpenAI Responses API upstream request (`POST /v1/responses`), for a
// client of another format on a channel of type `openai-responses`.
import type { AssistantPart, CanonicalRequest, ImagePart, ResponseFormat, TextPart, ToolChoice, ToolResultPart, UserPart } from '../canonical';
import type { Result, UpstreamRequest, UpstreamTarget } from '../types';
import { joinUrl, openaiHeaders } from '../shared/upstream-http';
import { imageToUrl } from '../shared/images';
import { effortForBudget } from '../shared/reasoning-effort';
import { stateForUpstream } from '../shared/reasoning-state';

type Item = Record<string, unknown>;

/** The Responses API rejects max_output_tokens below 16; a smaller cap is raised to it. */
export const MINIMUM_OUTPUT_TOKENS = 16;

function inputContent(part: TextPart | ImagePart): Item {
  // `detail` is required on input images; `auto` is what the API assumes for other clients.
  return part.type === 'text' ? { type: 'input_text', text: part.text } : { type: 'input_image', image_url: imageToUrl(part.source), detail: 'auto' };
}

function toolOutput(part: ToolResultPart): Item {
  // The Responses API has no error flag on tool output: the prefix is the documented emulation.
  const prefix = part.is_error ? 'Error: ' : '';
  if (part.content.every((item) => item.type === 'text')) {
    return { type: 'function_call_output', call_id: part.tool_call_id, output: prefix + part.content.map((item) => item.text).join('') };
  }
  // function_call_output takes a list of input_text / input_image parts, so images travel as they are.
  const output = part.content.map(inputContent);
  if (prefix !== '') output.unshift({ type: 'input_text', text: prefix });
  return { type: 'function_call_output', call_id: part.tool_call_id, output };
}

function userItems(parts: UserPart[]): Item[] {
  const items: Item[] = [];
  let content: Item[] = [];
  const flush = (): void => {
    if (content.length > 0) items.push({ type: 'message', role: 'user', content });
    content = [];
  };
  for (const part of parts) {
    if (part.type === 'tool-result') {
      flush();
      items.push(toolOutput(part));
    } else if (part.type === 'image' || part.text !== '') content.push(inputContent(part));
  }
  flush();
  return items;
}

function assistantItems(parts: AssistantPart[]): Item[] {
  const items: Item[] = [];
  let content: Item[] = [];
  const flush = (): void => {
    if (content.length > 0) items.push({ type: 'message', role: 'assistant', content });
    content = [];
  };
  for (const part of parts) {
    if (part.type === 'text') {
      if (part.text !== '') content.push({ type: 'output_text', text: part.text });
      continue;
    }
    flush();
    if (part.type === 'tool-call') {
      items.push({ type: 'function_call', call_id: part.id, name: part.name, arguments: part.arguments });
      continue;
    }
    // The API rejects reasoning items it did not make: only our own encrypted state goes back.
    const state = stateForUpstream('openai-responses', part.state);
    if (state === undefined) continue;
    const item: Item = { type: 'reasoning' };
    if (state.id !== undefined) item.id = state.id;
    item.summary = part.text === '' ? [] : [{ type: 'summary_text', text: part.text }];
    item.encrypted_content = state.value;
    items.push(item);
  }
  flush();
  return items;
}

function toolChoice(choice: ToolChoice): unknown {
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type;
}

function textFormat(format: ResponseFormat): Item {
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json') return { type: 'json_object' };
  return { type: 'json_schema', name: format.name, schema: format.schema, strict: format.strict };
}

/**
 * The request body. Fields the Responses API does not have (stop, seed, top_k, presence and
 * frequency penalties) are dropped, as docs/compatibility.md lists.
 */
export function buildResponsesBody(request: CanonicalRequest, model: string): Result<Item> {
  const input: Item[] = [];
  for (const message of request.messages) {
    input.push(...(message.role === 'user' ? userItems(message.parts) : assistantItems(message.parts)));
  }
  const body: Item = { model };
  if (request.system !== null && request.system !== '') body.instructions = request.system;
  body.input = input;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
      // Strict mode would reject the many client schemas that are not closed objects.
      strict: false,
    }));
    if (request.parallel_tool_calls !== null) body.parallel_tool_calls = request.parallel_tool_calls;
  }
  if (request.tool_choice) body.tool_choice = toolChoice(request.tool_choice);
  if (request.max_output_tokens !== null) body.max_output_tokens = Math.max(MINIMUM_OUTPUT_TOKENS, request.max_output_tokens);
  if (request.temperature !== null) body.temperature = request.temperature;
  if (request.top_p !== null) body.top_p = request.top_p;
  if (request.response_format) body.text = { format: textFormat(request.response_format) };
  const carriesState = input.some((item) => item.type === 'reasoning');
  if (request.reasoning) {
    // summary 'auto' makes the model return readable reasoning for the client.
    body.reasoning = { effort: request.reasoning.effort ?? effortForBudget(request.reasoning.budget_tokens), summary: 'auto' };
  }
  if (request.reasoning || carriesState) {
    // Stateless round trip: nothing stored upstream, the encrypted state comes back to us instead.
    body.include = ['reasoning.encrypted_content'];
    body.store = false;
  }
  if (request.user !== null) body.user = request.user;
  if (request.stream) body.stream = true;
  return { ok: true, value: body };
}

export function buildResponsesRequest(request: CanonicalRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  const body = buildResponsesBody(request, target.upstream_model);
  if (!body.ok) return body;
  return {
    ok: true,
    value: { url: joinUrl(target.base_url, '/v1/responses'), headers: openaiHeaders(target.api_key), body: JSON.stringify(body.value) },
  };
}
