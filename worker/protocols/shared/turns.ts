// Conversation shape rules other dialects impose on canonical history: roles alternate (so
// consecutive turns of one role merge), and a turn that answers tool calls opens with the
// results (Anthropic rejects a tool_result after other content; Gemini pairs functionResponse
// parts with the calls in order).
import type { CanonicalMessage, UserPart } from '../canonical';

export interface Turn<Role, Item> {
  role: Role;
  items: Item[];
}

/** Consecutive turns of one role joined into one, empty turns dropped (wire-format turns). */
export function mergeTurns<Role, Item>(turns: readonly Turn<Role, Item>[]): Turn<Role, Item>[] {
  const merged: Turn<Role, Item>[] = [];
  for (const turn of turns) {
    if (turn.items.length === 0) continue;
    const previous = merged.at(-1);
    if (previous && previous.role === turn.role) previous.items.push(...turn.items);
    else merged.push({ role: turn.role, items: [...turn.items] });
  }
  return merged;
}

/** Appends a canonical message, joined to the previous one when it has the same role. */
export function appendMessage(messages: CanonicalMessage[], message: CanonicalMessage): void {
  const previous = messages.at(-1);
  if (previous?.role === 'user' && message.role === 'user') previous.parts.push(...message.parts);
  else if (previous?.role === 'assistant' && message.role === 'assistant') previous.parts.push(...message.parts);
  else messages.push(message);
}

/** A user turn's parts with its tool results first, each group in its own order. */
export function toolResultsFirst(parts: readonly UserPart[]): UserPart[] {
  return [...parts.filter((part) => part.type === 'tool-result'), ...parts.filter((part) => part.type !== 'tool-result')];
}
