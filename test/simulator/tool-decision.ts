// Whether a reply calls a tool, and which: forced tool choices, `[[call:NAME {args}]]` markers
// in the newest user text (so tests can drive agent loops turn by turn), and the provider's
// `auto_tool_call`. Pure: the conversation in, a decision out.
import type { Conversation, ToolDefinition } from './reply-plan';

export type ToolDecision =
  | { type: 'call'; tool: ToolDefinition; arguments?: unknown }
  /** A marker named a tool the request does not offer: the reply says so in text. */
  | { type: 'unknown-tool'; name: string }
  | undefined;

export interface CallMarker {
  name: string;
  /** Arguments written in the marker; undefined means "generate them from the schema". */
  arguments?: unknown;
}

const MARKER_START = '[[call:';

/** The first well-formed `[[call:NAME]]` or `[[call:NAME {json}]]` in the text. */
export function findCallMarker(text: string): CallMarker | undefined {
  let from = text.indexOf(MARKER_START);
  while (from >= 0) {
    const rest = text.slice(from + MARKER_START.length);
    const name = /^[A-Za-z0-9_.:-]+/.exec(rest)?.[0];
    if (name) {
      const after = rest.slice(name.length);
      if (after.startsWith(']]')) return { name };
      const argumentsText = /^\s+(\{[\s\S]*)$/.exec(after)?.[1];
      // Arguments may contain "]]" themselves: try each "}]]" until the JSON parses.
      for (let end = argumentsText?.indexOf('}]]') ?? -1; argumentsText && end >= 0; end = argumentsText.indexOf('}]]', end + 1)) {
        try {
          return { name, arguments: JSON.parse(argumentsText.slice(0, end + 1)) };
        } catch {
          // Not the end of the JSON yet.
        }
      }
    }
    from = text.indexOf(MARKER_START, from + 1);
  }
  return undefined;
}

export function decideTool(conversation: Conversation, autoToolCall: boolean): ToolDecision {
  const { tools, toolChoice } = conversation;
  if (tools.length === 0 || conversation.lastIsToolResult || toolChoice.type === 'none') return undefined;
  if (toolChoice.type === 'tool') return { type: 'call', tool: tools.find((tool) => tool.name === toolChoice.name) ?? { name: toolChoice.name, parameters: {} } };
  const marker = findCallMarker(conversation.latestUserText);
  if (marker) {
    const tool = tools.find((candidate) => candidate.name === marker.name);
    if (tool) return { type: 'call', tool, arguments: marker.arguments };
    if (toolChoice.type !== 'any') return { type: 'unknown-tool', name: marker.name };
  }
  if (toolChoice.type === 'any') {
    const allowed = toolChoice.allowed?.length ? tools.filter((tool) => toolChoice.allowed!.includes(tool.name)) : tools;
    return { type: 'call', tool: allowed[0] ?? tools[0]! };
  }
  if (autoToolCall) return { type: 'call', tool: tools[0]! };
  return undefined;
}
