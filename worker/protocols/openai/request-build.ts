// Canonical request → an OpenAI-compatible upstream request (for a client of another format).
import type { CanonicalMessage, CanonicalRequest, ImagePart, TextPart } from '../canonical';
import type { Result, UpstreamRequest, UpstreamTarget } from '../types';
import { imageToUrl } from '../shared/images';
import { effortForBudget } from '../shared/reasoning-effort';
import { unsupported } from '../shared/validation';
import { joinUrl, openaiHeaders } from '../shared/upstream-http';

type OpenaiContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

function contentParts(parts: (TextPart | ImagePart)[]): string | OpenaiContentPart[] {
  if (parts.every((part) => part.type === 'text')) return parts.map((part) => part.text).join('');
  return parts.map((part) =>
    part.type === 'text' ? { type: 'text', text: part.text } : { type: 'image_url', image_url: { url: imageToUrl(part.source) } },
  );
}

function convertMessage(message: CanonicalMessage, index: number): Result<Record<string, unknown>[]> {
  if (message.role === 'assistant') {
    const text = message.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
    const calls = message.parts.flatMap((part) =>
      part.type === 'tool-call' ? [{ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } }] : [],
    );
    const output: Record<string, unknown> = { role: 'assistant', content: text === '' && calls.length > 0 ? null : text };
    if (calls.length > 0) output.tool_calls = calls;
    return { ok: true, value: [output] };
  }
  const output: Record<string, unknown>[] = [];
  const rest: (TextPart | ImagePart)[] = [];
  for (const part of message.parts) {
    if (part.type !== 'tool-result') {
      rest.push(part);
      continue;
    }
    if (part.content.some((item) => item.type === 'image')) {
      return unsupported(`messages[${index}]`, 'Images inside tool results cannot be sent to an OpenAI-compatible channel.');
    }
    const text = part.content.map((item) => (item.type === 'text' ? item.text : '')).join('');
    output.push({ role: 'tool', tool_call_id: part.tool_call_id, content: part.is_error ? `Error: ${text}` : text });
  }
  if (rest.length > 0) output.push({ role: 'user', content: contentParts(rest) });
  return { ok: true, value: output };
}

export function buildOpenaiBody(request: CanonicalRequest, model: string): Result<Record<string, unknown>> {
  const messages: Record<string, unknown>[] = [];
  if (request.system !== null) messages.push({ role: 'system', content: request.system });
  for (const [index, message] of request.messages.entries()) {
    const converted = convertMessage(message, index);
    if (!converted.ok) return converted;
    messages.push(...converted.value);
  }
  const body: Record<string, unknown> = { model, messages };
  if (request.max_output_tokens !== null) {
    // Reasoning models take only max_completion_tokens; everything else knows max_tokens.
    body[request.reasoning ? 'max_completion_tokens' : 'max_tokens'] = request.max_output_tokens;
  }
  if (request.temperature !== null) body.temperature = request.temperature;
  if (request.top_p !== null) body.top_p = request.top_p;
  if (request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== null) body.seed = request.seed;
  if (request.presence_penalty !== null) body.presence_penalty = request.presence_penalty;
  if (request.frequency_penalty !== null) body.frequency_penalty = request.frequency_penalty;
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: tool.parameters },
    }));
    if (request.parallel_tool_calls === false) body.parallel_tool_calls = false;
  }
  if (request.tool_choice) {
    body.tool_choice = request.tool_choice.type === 'tool' ? { type: 'function', function: { name: request.tool_choice.name } } : request.tool_choice.type;
  }
  if (request.response_format) {
    const format = request.response_format;
    if (format.type === 'json') body.response_format = { type: 'json_object' };
    else if (format.type === 'json-schema') {
      body.response_format = { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, strict: format.strict } };
    }
  }
  if (request.reasoning) body.reasoning_effort = request.reasoning.effort ?? effortForBudget(request.reasoning.budget_tokens);
  if (request.user !== null) body.user = request.user;
  if (request.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return { ok: true, value: body };
}

export function buildOpenaiRequest(request: CanonicalRequest, target: UpstreamTarget): Result<UpstreamRequest> {
  const body = buildOpenaiBody(request, target.upstream_model);
  if (!body.ok) return body;
  return {
    ok: true,
    value: {
      url: joinUrl(target.base_url, '/v1/chat/completions'),
      headers: openaiHeaders(target.api_key),
      body: JSON.stringify(body.value),
    },
  };
}
