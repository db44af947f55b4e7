// Which turn of its conversation a request is (issue 14): the number of user turns in its
// history, this one included. The router can weigh how long a conversation is likely to stay
// on a channel by it: an opening turn has the whole conversation ahead, a late one little.
// Only the client's own turns count: tool results that the client sends back in a user-role
// message (Anthropic `tool_result` blocks, Gemini `functionResponse` parts) answer the model
// and are not a new turn. Pure and total: any JSON in, at least 1 out.
import type { Protocol } from '../core/types';
import { arrayOf, isGeminiUser, isOpenaiUser, isRecord, isResponsesUser, isRoleUser } from './stable-prefix';

export function userTurnCount(protocol: Protocol, body: Record<string, unknown>): number {
  switch (protocol) {
    case 'openai':
      return atLeastOne(count(arrayOf(body.messages), isOpenaiUser));
    case 'openai-responses':
      // A string input is a single user turn with no history.
      return typeof body.input === 'string' ? 1 : atLeastOne(count(arrayOf(body.input), isResponsesUser));
    case 'anthropic':
      return atLeastOne(count(arrayOf(body.messages), isAnthropicUser));
    case 'gemini':
      return atLeastOne(count(arrayOf(body.contents), isGeminiUser));
  }
}

/** A user message that is not only tool results (those answer the model's tool calls). */
function isAnthropicUser(turn: unknown): boolean {
  if (!isRoleUser(turn) || !isRecord(turn)) return false;
  const content = turn.content;
  return !Array.isArray(content) || content.length === 0 || content.some((block) => !(isRecord(block) && block.type === 'tool_result'));
}

function count(turns: unknown[], isUser: (turn: unknown) => boolean): number {
  let users = 0;
  for (const turn of turns) if (isUser(turn)) users += 1;
  return users;
}

function atLeastOne(users: number): number {
  return Math.max(1, users);
}
