// The pure core of every reply: a dialect-neutral view of the request in, what to say out.
// Dialects extract a Conversation from their wire format and render the ReplyPlan back.
import { createRandom, hashString } from './random';
import { generateFromSchema } from './schema-arguments';
import { estimateTokens, generateTextTokens } from './text-generation';

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
  tools: ToolDefinition[];
  toolChoice: ToolChoice;
  /** The last message carries tool results: the reply is text again. */
  lastIsToolResult: boolean;
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
}

export function planReply(conversation: Conversation, options: PlanOptions): ReplyPlan {
  const random = createRandom(hashString(`${conversation.promptText}\u0000${conversation.requestSeed ?? ''}`, options.seed));
  const inputTokens = countInputTokens(conversation);
  let reasoningTokens = conversation.reasoningTokens;
  let budget = conversation.maxTokens ?? Number.POSITIVE_INFINITY;
  if (reasoningTokens > budget) reasoningTokens = budget;
  budget -= reasoningTokens;
  const reasoning = generateTextTokens(random, reasoningTokens);
  const base = { reasoning, inputTokens, reasoningTokens };

  const tool = forcedTool(conversation);
  if (tool) {
    const value = generateFromSchema(tool.parameters, random);
    const argumentsJson = JSON.stringify(value);
    const argumentChunks = splitChunks(argumentsJson);
    const content: ReplyContent = { type: 'tool-call', name: tool.name, arguments: value, argumentsJson, argumentChunks };
    return { ...base, content, finish: 'tool-call', outputTokens: reasoningTokens + argumentChunks.length };
  }
  if (conversation.responseSchema !== undefined) {
    const tokens = splitChunks(JSON.stringify(generateFromSchema(conversation.responseSchema, random)));
    return { ...base, content: { type: 'text', tokens }, finish: 'stop', outputTokens: reasoningTokens + tokens.length };
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

function forcedTool(conversation: Conversation): ToolDefinition | undefined {
  const { tools, toolChoice } = conversation;
  if (tools.length === 0 || conversation.lastIsToolResult) return undefined;
  if (toolChoice.type === 'tool') return tools.find((tool) => tool.name === toolChoice.name) ?? { name: toolChoice.name, parameters: {} };
  if (toolChoice.type === 'any') {
    const allowed = toolChoice.allowed?.length ? tools.filter((tool) => toolChoice.allowed!.includes(tool.name)) : tools;
    return allowed[0] ?? tools[0];
  }
  return undefined;
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

/** Pieces of about one token each (the 4-characters-per-token estimate). */
export function splitChunks(text: string, size = 4): string[] {
  const chunks: string[] = [];
  for (let index = 0; index < text.length; index += size) chunks.push(text.slice(index, index + size));
  return chunks.length > 0 ? chunks : [''];
}
