// Responses tools that other dialects have no word for, and how they cross:
//  - `namespace` tools group function tools (Codex sends `multi_agent_v1`). Other dialects get
//    each inner function flattened to `<namespace>__<name>`; a call to such a name comes back
//    to the Responses client as a function_call with `namespace` and the plain `name`.
//  - Hosted tools (web_search, file_search, code_interpreter, computer use, image generation,
//    mcp, local_shell, …) run on OpenAI's side only. Offered to a model on another dialect they
//    are left out, as a model without that tool would never call it (Codex always offers
//    web_search: refusing would shut every Codex session out of non-OpenAI channels). A request
//    that forces one with tool_choice cannot be honoured elsewhere and is refused, naming it.
import type { ResponsesInbound } from '../inbound';

const SEPARATOR = '__';

export function flattenedName(namespace: string, name: string): string {
  return `${namespace}${SEPARATOR}${name}`;
}

/** The namespaces the request's tools declare. */
function namespacesOf(inbound: ResponsesInbound): Set<string> {
  const names = new Set<string>();
  for (const tool of inbound.request.tools ?? []) {
    const record = tool as Record<string, unknown>;
    if (record.type === 'namespace' && typeof record.name === 'string') names.add(record.name);
  }
  return names;
}

/** A canonical tool name as the Responses client declared it: `{name, namespace?}`. */
export function declaredName(inbound: ResponsesInbound, canonicalName: string): { name: string; namespace?: string } {
  const cut = canonicalName.indexOf(SEPARATOR);
  if (cut <= 0) return { name: canonicalName };
  const namespace = canonicalName.slice(0, cut);
  return namespacesOf(inbound).has(namespace) ? { name: canonicalName.slice(cut + SEPARATOR.length), namespace } : { name: canonicalName };
}
