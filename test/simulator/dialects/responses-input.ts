// Reading an OpenAI Responses request: `input` (a string or items: messages with
// input_text / input_image / output_text parts, function_call, function_call_output,
// reasoning), `instructions`, function tools and tool_choice, reasoning and text.format.
import type { Conversation, ToolChoice } from '../reply-plan';
import { collectText, joinText, toolResultText } from '../text-generation';
import { isOwnState } from './reasoning-signatures';
import { isRecord } from './types';

/** Reasoning tokens by `reasoning.effort`, as the openai dialect counts `reasoning_effort`. */
export const RESPONSES_REASONING_TOKENS: Record<string, number> = { none: 0, minimal: 4, low: 8, medium: 16, high: 32, xhigh: 48 };

export interface ResponsesConversation extends Conversation {
  /** `include` asked for reasoning.encrypted_content. */
  includeEncrypted: boolean;
}

export interface InputProblem {
  message: string;
  param: string | null;
  code: string | null;
}

/** Input items, a string input read as one user message. */
export function inputItems(input: unknown): unknown[] {
  return typeof input === 'string' ? [{ role: 'user', content: input }] : Array.isArray(input) ? input : [];
}

/**
 * Reasoning items must carry encrypted_content this dialect made: the simulator stores
 * nothing, so an item without it is unknown, as on the real API with `store: false`.
 */
export function checkReasoningItems(items: unknown[]): InputProblem | undefined {
  for (const item of items) {
    if (!isRecord(item) || item.type !== 'reasoning') continue;
    const id = typeof item.id === 'string' ? item.id : 'rs_unknown';
    if (item.encrypted_content === undefined || item.encrypted_content === null) {
      return {
        message: `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`,
        param: 'input',
        code: null,
      };
    }
    if (!isOwnState('openai-responses', item.encrypted_content)) {
      return { message: `The encrypted content for item ${id} could not be verified.`, param: null, code: 'invalid_encrypted_content' };
    }
  }
  return undefined;
}

export function toResponsesConversation(body: Record<string, unknown>, items: unknown[]): ResponsesConversation {
  const instructions = collectText(body.instructions ?? '');
  const tools = Array.isArray(body.tools)
    ? body.tools.filter(isRecord).flatMap((tool) => (tool.type === 'function' && typeof tool.name === 'string' ? [{ name: tool.name, parameters: tool.parameters ?? {} }] : []))
    : [];
  const isOutput = (item: unknown) => isRecord(item) && item.type === 'function_call_output';
  let firstResult = items.length;
  while (firstResult > 0 && isOutput(items[firstResult - 1])) firstResult -= 1;
  const latestUser = items.findLast((item) => isRecord(item) && item.role === 'user' && (item.type === undefined || item.type === 'message'));
  const reasoning = isRecord(body.reasoning) ? body.reasoning : undefined;
  const effort = reasoning && typeof reasoning.effort === 'string' ? reasoning.effort : 'medium';
  const include = Array.isArray(body.include) ? body.include : [];
  return {
    promptText: joinText(instructions, collectText(items)),
    prefixText: joinText(instructions, collectText(items.slice(0, -1))),
    turnTexts: [instructions, ...items.map((item) => collectText(item))],
    toolsText: Array.isArray(body.tools) ? JSON.stringify(body.tools) : '',
    tools,
    toolChoice: toolChoice(body.tool_choice),
    lastIsToolResult: firstResult < items.length,
    toolResultText: firstResult < items.length ? toolResultText((items[firstResult] as Record<string, unknown>).output) : undefined,
    latestUserText: isRecord(latestUser) ? collectText(latestUser.content) : '',
    maxTokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : undefined,
    stopSequences: [],
    reasoningTokens: reasoning ? (RESPONSES_REASONING_TOKENS[effort] ?? 16) : 0,
    responseSchema: responseSchema(body.text),
    includeEncrypted: include.includes('reasoning.encrypted_content'),
  };
}

function toolChoice(value: unknown): ToolChoice {
  if (value === 'required') return { type: 'any' };
  if (value === 'none') return { type: 'none' };
  if (isRecord(value) && value.type === 'function' && typeof value.name === 'string') return { type: 'tool', name: value.name };
  if (isRecord(value) && value.type === 'allowed_tools' && value.mode === 'required' && Array.isArray(value.tools)) {
    return { type: 'any', allowed: value.tools.filter(isRecord).flatMap((tool) => (typeof tool.name === 'string' ? [tool.name] : [])) };
  }
  return { type: 'auto' };
}

function responseSchema(text: unknown): unknown {
  const format = isRecord(text) ? text.format : undefined;
  if (!isRecord(format)) return undefined;
  if (format.type === 'json_schema') return format.schema ?? {};
  if (format.type === 'json_object') return { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
  return undefined;
}
