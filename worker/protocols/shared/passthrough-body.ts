// Same-dialect passthrough: the client's raw text with the fewest possible edits, made as
// splices so every other byte (order, spacing, escapes, number spelling) stays as sent.
import type { GatewayError } from '../../errors';
import type { Result } from '../types';
import { applySplices, removeMembers, scanObject, type JsonObjectSpan, type TextSplice } from './json-scan';
import { malformedUpstream, parseJson } from './upstream-failure';
import { isPlainObject } from './validation';

/** OpenRouter-style routing controls and Switchboard's `route`: addressed to the gateway, never sent upstream. */
export const ROUTING_CONTROL_KEYS: ReadonlySet<string> = new Set(['models', 'provider', 'route']);

export interface PassthroughEdits {
  /** Replace every top-level `"model"` value with this name. */
  model?: string;
  /** Force `stream_options.include_usage` to true (OpenAI streams). */
  include_usage?: boolean;
}

const notJson: GatewayError = { kind: 'invalid_request', message: 'The request body is not a JSON object.' };

function includeUsageSplices(raw: string, top: JsonObjectSpan): TextSplice[] | null {
  const options = top.members.filter((member) => member.key === 'stream_options').at(-1);
  const insertion = '"include_usage":true';
  if (!options) {
    const last = top.members.at(-1);
    return last
      ? [{ start: last.value_end, end: last.value_end, text: `,"stream_options":{${insertion}}` }]
      : [{ start: top.open + 1, end: top.open + 1, text: `"stream_options":{${insertion}}` }];
  }
  const inner = scanObject(raw, options.value_start);
  if (!inner) return [{ start: options.value_start, end: options.value_end, text: `{${insertion}}` }];
  const flags = inner.members.filter((member) => member.key === 'include_usage');
  if (flags.length > 0) return flags.map((flag) => ({ start: flag.value_start, end: flag.value_end, text: 'true' }));
  const last = inner.members.at(-1);
  return last
    ? [{ start: last.value_end, end: last.value_end, text: `,${insertion}` }]
    : [{ start: inner.open + 1, end: inner.open + 1, text: insertion }];
}

export function passthroughBody(raw: string, edits: PassthroughEdits): Result<string> {
  const top = scanObject(raw);
  if (!top) return { ok: false, error: notJson };
  const splices: TextSplice[] = removeMembers(top, (member) => ROUTING_CONTROL_KEYS.has(member.key));
  if (edits.model !== undefined) {
    const text = JSON.stringify(edits.model);
    for (const member of top.members) {
      if (member.key === 'model') splices.push({ start: member.value_start, end: member.value_end, text });
    }
  }
  if (edits.include_usage) {
    const usage = includeUsageSplices(raw, top);
    if (!usage) return { ok: false, error: notJson };
    splices.push(...usage);
  }
  return { ok: true, value: applySplices(raw, splices) };
}

/**
 * An upstream's same-dialect answer: its JSON object (to read usage and the finish from) and
 * its text with the edits spliced in (editResponseObject). Anything else is a malformed answer.
 */
export function editedAnswer(
  text: string,
  replace: Record<string, string>,
  append: Record<string, string>,
): Result<{ object: Record<string, unknown>; body: string }> {
  const object = parseJson(text);
  const body = isPlainObject(object) ? editResponseObject(text, replace, append) : null;
  if (!isPlainObject(object) || body === null) return { ok: false, error: malformedUpstream('not a JSON object') };
  return { ok: true, value: { object, body } };
}

/** Response-side edit: replace top-level keys' values and append members before the closing brace. */
export function editResponseObject(
  raw: string,
  replace: Record<string, string>,
  append: Record<string, string>,
): string | null {
  const top = scanObject(raw);
  if (!top) return null;
  const splices: TextSplice[] = [];
  for (const member of top.members) {
    if (Object.hasOwn(replace, member.key)) {
      splices.push({ start: member.value_start, end: member.value_end, text: JSON.stringify(replace[member.key]) });
    }
  }
  const present = new Set(top.members.map((member) => member.key));
  let addition = '';
  for (const [key, value] of Object.entries(append)) {
    if (present.has(key)) continue;
    addition += `${addition === '' && top.members.length === 0 ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  const last = top.members.at(-1);
  const at = last ? last.value_end : top.open + 1;
  if (addition !== '') splices.push({ start: at, end: at, text: addition });
  return applySplices(raw, splices);
}

/**
 * Sets `"cost": <usd>` inside the top-level `usage` object of a response or stream chunk
 * (OpenRouter's convention: what the caller is charged), splicing so every other byte stays
 * as the upstream sent it. An upstream's own `cost` (a reseller's price to us) is replaced:
 * the caller must see our charge, not our cost. Text without a usage object is returned as is.
 */
export function setUsageCost(raw: string, cost: number): string {
  const top = scanObject(raw);
  if (!top) return raw;
  const usage = top.members.filter((member) => member.key === 'usage').at(-1);
  if (!usage) return raw;
  const inner = scanObject(raw, usage.value_start);
  if (!inner) return raw;
  const text = JSON.stringify(Number.isFinite(cost) ? cost : 0);
  const existing = inner.members.filter((member) => member.key === 'cost');
  if (existing.length > 0) return applySplices(raw, existing.map((member) => ({ start: member.value_start, end: member.value_end, text })));
  const last = inner.members.at(-1);
  const splice = last ? { start: last.value_end, end: last.value_end, text: `,"cost":${text}` } : { start: inner.open + 1, end: inner.open + 1, text: `"cost":${text}` };
  return applySplices(raw, [splice]);
}
