// The pure core of every reply: a dialect-neutral view of the request in, what to say out.
// Dialects extract a Conversation from their wire format and render the ReplyPlan back.
import { createRandom, hashString } from './random';
import { generateFromSchema } from './schema-arguments';
import { estimateTokens, generateTextTokens } from './text-generation';
import { decideTool } from './tool-decision';

export interface ToolDefinition {
  name: string;
  parameters: unknown;
}

export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'any'; allowed?: string[] } | { type: 'tool'; name: string };

export interface Conversation {
  /** Text of system prompt and messages: seeds the reply and counts as input tokens. */
  promptText: string;
  /** Serialised tool definitions, counted as input tokens. */
  toolsText: string;
  /** Prompt text without the last message: what a prompt cache could already hold. */
  prefixText: string;
  /** The system prompt, then each message's text: the boundaries a timed prompt cache matches at (prompt-cache.ts). */
  turnTexts?: string[];
  tools: ToolDefinition[];
  toolChoice: ToolChoice;
  /** The last message carries tool results: the reply is text again. */
  lastIsToolResult: boolean;
  /** Text of the first tool result in the last message, echoed so tests see it reached the model. */
  toolResultText?: string;
  /** Text of the newest user message (not tool results): `[[call:…]]` markers are read here. */
  latestUserText: string;
  maxTokens?: number;
  stopSequences: string[];
  /** The request's own seed field, mixed into the reply seed. */
  requestSeed?: number;
  /** Reasoning tokens the request asks for; 0 when it asks for none. */
  reasoningTokens: number;
  /** Structured output: the text reply is JSON satisfying this schema. */
  responseSchema?: unknown;
}

export type ReplyContent =
  | { type: 'text'; tokens: string[] }
  | { type: 'tool-call'; name: string; arguments: unknown; argumentsJson: string; argumentChunks: string[] };

export type FinishReason = 'stop' | 'length' | 'stop-sequence' | 'tool-call';

export interface ReplyPlan {
  /** Reasoning text, one token per element; empty when no reasoning was asked. */
  reasoning: string[];
  content: ReplyContent;
  finish: FinishReason;
  stopSequence?: string;
  inputTokens: number;
  /** Reasoning plus visible output. */
  outputTokens: number;
  reasoningTokens: number;
}

export interface PlanOptions {
  /** The provider's default reply length. */
  outputTokens: number;
  seed: number;
  /** The provider's auto_tool_call: call the first offered tool unless answering a tool result. */
  autoToolCall?: boolean;
}

/** How a reply to a tool result starts, followed by the first characters of the result. */
export const TOOL_RESULT_LEAD = 'Tool result received:';
const TOOL_RESULT_ECHO_CHARACTERS = 60;

export function planReply(conversation: Conversation, options: PlanOptions): ReplyPlan {
  const random = createRandom(hashString(`${conversation.promptText}\u0000${conversation.requestSeed ?? ''}`, options.seed));
  const inputTokens = countInputTokens(conversation);
  let reasoningTokens = conversation.reasoningTokens;
  let budget = conversation.maxTokens ?? Number.POSITIVE_INFINITY;
  if (reasoningTokens > budget) reasoningTokens = budget;
  budget -= reasoningTokens;
  const reasoning = generateTextTokens(random, reasoningTokens);
  const base = { reasoning, inputTokens, reasoningTokens };

  const decision = decideTool(conversation, options.autoToolCall === true);
  if (decision?.type === 'call') {
    const value = decision.arguments !== undefined ? decision.arguments : generateFromSchema(decision.tool.parameters, random);
    const argumentsJson = JSON.stringify(value);
    const argumentChunks = splitChunks(argumentsJson);
    const content: ReplyContent = { type: 'tool-call', name: decision.tool.name, arguments: value, argumentsJson, argumentChunks };
    return { ...base, content, finish: 'tool-call', outputTokens: reasoningTokens + argumentChunks.length };
  }
  if (conversation.responseSchema !== undefined) {
    const tokens = splitChunks(JSON.stringify(generateFromSchema(conversation.responseSchema, random)));
    return { ...base, content: { type: 'text', tokens }, finish: 'stop', outputTokens: reasoningTokens + tokens.length };
  }
  // Fixed words first (the echo of a tool result, or why no tool was called), then filler.
  const lead = decision?.type === 'unknown-tool'
    ? wordTokens(`No tool named "${decision.name}" is offered in this request, so none was called.`)
    : conversation.lastIsToolResult
      ? wordTokens(`${TOOL_RESULT_LEAD} ${echoResult(conversation.toolResultText ?? '')}`)
      : [];
  if (lead.length > 0) {
    const target = decision ? lead.length : Math.max(lead.length, options.outputTokens);
    const filler = generateTextTokens(random, target - lead.length).map((token, index) => (index === 0 ? ` ${token.trimStart()}` : token));
    const tokens = [...lead, ...filler].slice(0, Math.max(0, budget));
    const finish: FinishReason = tokens.length < target ? 'length' : 'stop';
    return { ...base, content: { type: 'text', tokens }, finish, outputTokens: reasoningTokens + tokens.length };
  }
  const wanted = Math.min(options.outputTokens, budget);
  let tokens = generateTextTokens(random, wanted);
  let finish: FinishReason = wanted < options.outputTokens ? 'length' : 'stop';
  const stopped = applyStopSequences(tokens, conversation.stopSequences);
  let stopSequence: string | undefined;
  if (stopped) {
    ({ tokens, stopSequence } = stopped);
    finish = 'stop-sequence';
  }
  return { ...base, content: { type: 'text', tokens }, finish, stopSequence, outputTokens: reasoningTokens + tokens.length };
}

/** Prompt and tool definitions at ~4 characters per token; at least 1. */
export function countInputTokens(conversation: Pick<Conversation, 'promptText' | 'toolsText'>): number {
  return Math.max(1, estimateTokens(conversation.promptText) + estimateTokens(conversation.toolsText));
}

/** Cut the text before the earliest stop sequence; undefined when none occurs. */
function applyStopSequences(tokens: string[], stopSequences: string[]): { tokens: string[]; stopSequence: string } | undefined {
  const sequences = stopSequences.filter((sequence) => sequence.length > 0);
  if (sequences.length === 0) return undefined;
  const text = tokens.join('');
  let best: { at: number; sequence: string } | undefined;
  for (const sequence of sequences) {
    const at = text.indexOf(sequence);
    if (at >= 0 && (!best || at < best.at)) best = { at, sequence };
  }
  if (!best) return undefined;
  const kept: string[] = [];
  let offset = 0;
  for (const token of tokens) {
    if (offset >= best.at) break;
    kept.push(token.slice(0, best.at - offset));
    offset += token.length;
  }
  return { tokens: kept, stopSequence: best.sequence };
}

/**
 * The first 60 characters of a tool result and, when it is longer, " … " and its last 60:
 * agents wrap command output in a header (Codex: "Chunk ID…Wall time…Output:"), and tests
 * want to see the output itself reach the model.
 */
function echoResult(text: string): string {
  const head = text.slice(0, TOOL_RESULT_ECHO_CHARACTERS);
  if (text.length <= TOOL_RESULT_ECHO_CHARACTERS) return head;
  const tail = text.slice(Math.max(TOOL_RESULT_ECHO_CHARACTERS, text.length - TOOL_RESULT_ECHO_CHARACTERS)).trim();
  return tail.length > 0 ? `${head} … ${tail}` : head;
}

/** Words with their leading spaces, one token each, like generated text. */
function wordTokens(text: string): string[] {
  return text.split(/(?=\s)/).filter((token) => token.length > 0);
}

/** Pieces of about one token each (the 4-characters-per-token estimate). */
export function splitChunks(text: string, size = 4): string[] {
  const chunks: string[] = [];
  for (let index = 0; index < text.length; index += size) chunks.push(text.slice(index, index + size));
  return chunks.length > 0 ? chunks : [''];
}
