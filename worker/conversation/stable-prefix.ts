// The parts of a request that stay the same from one turn of a conversation to the next, read
// from the client's own JSON (any of the four protocols), without copying anything:
//   - `explicit`: the client's own conversation id, when it sends one;
//   - `head`: tools, system prompt and the turns up to and including the first user turn —
//     identical on every later turn, so their hash names the conversation;
//   - `tail`: the turns from the last assistant turn on — what is new since the previous
//     request. Everything before it was that request's prompt: what a provider's prompt cache
//     can hold now.
// Pure and total: any JSON in, never throws (a malformed field only means "no explicit id").
import type { Protocol } from '../core/types';

export interface StablePrefix {
  explicit: string | null;
  /** Serialised into the hash in this order. */
  head: unknown[];
  /** The turns after the cacheable prefix (their token estimate is subtracted from the input's). */
  tail: unknown[];
}

/** Longest client id we accept: longer ones are not ids (and fall back to the prefix hash). */
export const MAX_EXPLICIT_ID_CHARACTERS = 512;

export function stablePrefixOf(protocol: Protocol, body: Record<string, unknown>): StablePrefix {
  switch (protocol) {
    case 'openai':
      // `user` / `safety_identifier` name a person, not a conversation: one person runs many
      // conversations, each with its own prefix, so they are not used.
      return split(explicitId(body.prompt_cache_key), [body.tools], arrayOf(body.messages), isOpenaiSystem, isOpenaiUser, isOpenaiAssistant);
    case 'openai-responses': {
      const input = body.input;
      // A string input is a single user turn with no history.
      if (typeof input === 'string') return { explicit: explicitId(body.prompt_cache_key), head: [body.tools, body.instructions, input], tail: [input] };
      return split(explicitId(body.prompt_cache_key), [body.tools, body.instructions], arrayOf(input), isOpenaiSystem, isResponsesUser, isResponsesAssistant);
    }
    case 'anthropic': {
      const metadata = body.metadata;
      // Claude Code puts its session there (`user_…_account_…_session_…`).
      const id = isRecord(metadata) ? explicitId(metadata.user_id) : null;
      return split(id, [body.tools, body.system], arrayOf(body.messages), () => false, isRoleUser, isRole('assistant'));
    }
    case 'gemini':
      return split(null, [body.tools, body.systemInstruction ?? body.system_instruction], arrayOf(body.contents), () => false, isGeminiUser, isRole('model'));
  }
}

function split(
  explicit: string | null,
  fixed: unknown[],
  turns: unknown[],
  isSystem: (turn: unknown) => boolean,
  isUser: (turn: unknown) => boolean,
  isAssistant: (turn: unknown) => boolean,
): StablePrefix {
  let firstUser = turns.findIndex(isUser);
  if (firstUser < 0) firstUser = turns.length - 1;
  let leadingSystem = 0;
  while (leadingSystem < turns.length && isSystem(turns[leadingSystem])) leadingSystem += 1;
  let lastAssistant = -1;
  for (let index = turns.length - 1; index >= 0; index--) {
    if (isAssistant(turns[index])) {
      lastAssistant = index;
      break;
    }
  }
  const tailStart = lastAssistant >= 0 ? lastAssistant : leadingSystem;
  return { explicit, head: [...fixed, turns.slice(0, firstUser + 1)], tail: turns.slice(tailStart) };
}

function explicitId(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_EXPLICIT_ID_CHARACTERS ? value : null;
}

export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRole(role: string): (turn: unknown) => boolean {
  return (turn) => isRecord(turn) && turn.role === role;
}

export const isRoleUser = isRole('user');

function isOpenaiSystem(turn: unknown): boolean {
  return isRecord(turn) && (turn.role === 'system' || turn.role === 'developer');
}

export function isOpenaiUser(turn: unknown): boolean {
  return isRoleUser(turn);
}

function isOpenaiAssistant(turn: unknown): boolean {
  return isRecord(turn) && turn.role === 'assistant';
}

/** Responses items: messages (type absent or 'message') with a role, or typed items. */
export function isResponsesUser(turn: unknown): boolean {
  return isRecord(turn) && turn.role === 'user' && (turn.type === undefined || turn.type === 'message');
}

const RESPONSES_OUTPUT_TYPES = new Set(['function_call', 'reasoning', 'custom_tool_call', 'web_search_call', 'file_search_call', 'computer_call', 'local_shell_call']);

function isResponsesAssistant(turn: unknown): boolean {
  if (!isRecord(turn)) return false;
  return turn.role === 'assistant' || (typeof turn.type === 'string' && RESPONSES_OUTPUT_TYPES.has(turn.type));
}

/** Gemini: a user turn that is not only function responses (those answer the model's calls). */
export function isGeminiUser(turn: unknown): boolean {
  if (!isRecord(turn) || (turn.role !== 'user' && turn.role !== undefined)) return false;
  const parts = turn.parts;
  return !Array.isArray(parts) || parts.some((part) => !(isRecord(part) && 'functionResponse' in part));
}
