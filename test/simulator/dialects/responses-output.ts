// The pieces of an OpenAI Responses response object shared by plain and streamed answers:
// the head (every field the API returns, in its order) and the output items.
import { isRecord } from './types';

/** The response object without output and usage, in the order the API writes its fields. */
export function responseHead(body: Record<string, unknown>, id: string): Record<string, unknown> {
  const reasoning = isRecord(body.reasoning) ? { effort: body.reasoning.effort ?? 'medium', summary: body.reasoning.summary ?? null } : { effort: null, summary: null };
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: body.model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning,
    safety_identifier: null,
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_logprobs: 0,
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

/** The items of the answer, each in its final form; streams replay them event by event. */
export interface AnswerItems {
  reasoning?: { id: string; summary: string; encrypted?: string };
  message?: { id: string; text: string };
  call?: { id: string; callId: string; name: string; arguments: string };
}

export function outputItems(answer: AnswerItems, status: 'completed' | 'incomplete'): object[] {
  const output: object[] = [];
  if (answer.reasoning) {
    const { id, summary, encrypted } = answer.reasoning;
    output.push({ id, type: 'reasoning', summary: [{ type: 'summary_text', text: summary }], ...(encrypted ? { encrypted_content: encrypted } : {}) });
  }
  if (answer.message) {
    const part = { type: 'output_text', annotations: [], logprobs: [], text: answer.message.text };
    output.push({ id: answer.message.id, type: 'message', status, content: [part], role: 'assistant' });
  }
  if (answer.call) {
    const { id, callId, name } = answer.call;
    output.push({ id, type: 'function_call', status: 'completed', arguments: answer.call.arguments, call_id: callId, name });
  }
  return output;
}
