// A small JSON scanner for byte-faithful edits: it finds the members of one object in the
// raw request text (key, where its value starts and ends) without parsing the values, so
// same-dialect passthrough can splice a value and leave every other byte as the client sent it.

export interface JsonMember {
  /** The decoded key (escapes resolved, as JSON.parse would see it). */
  key: string;
  key_start: number;
  value_start: number;
  /** One past the value's last character. */
  value_end: number;
}

export interface JsonObjectSpan {
  /** Index of `{`. */
  open: number;
  /** Index of `}`. */
  close: number;
  members: JsonMember[];
}

export interface TextSplice {
  start: number;
  end: number;
  text: string;
}

function skipWhitespace(text: string, index: number): number {
  let position = index;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) break;
    position += 1;
  }
  return position;
}

/**
 * Index one past the closing quote of the string opening at `index`, or -1. Jumps from one
 * quote or backslash to the next with indexOf (native) instead of a loop per character: a
 * long chat history is mostly string contents, and this scan of the whole request body was
 * ~5 % of the isolate's time per request on a 19k-token history (docs/perf-notes-runtime.md).
 */
export function skipString(text: string, index: number): number {
  let position = index + 1;
  let quote = text.indexOf('"', position);
  let backslash = text.indexOf('\\', position);
  for (;;) {
    if (quote < 0) return -1;
    if (backslash < 0 || backslash > quote) return quote + 1;
    // An escape before the quote: skip the escaped character (which may be that quote). Each
    // search starts past the last one, so the scan stays linear however many escapes there are.
    position = backslash + 2;
    if (quote < position) quote = text.indexOf('"', position);
    backslash = text.indexOf('\\', position);
  }
}

/** Index one past the value starting at `index`, or -1 when the text is not JSON. */
export function skipValue(text: string, index: number): number {
  const first = text[index];
  if (first === '"') return skipString(text, index);
  if (first === '{' || first === '[') {
    let depth = 0;
    let position = index;
    while (position < text.length) {
      const character = text[position];
      if (character === '"') {
        position = skipString(text, position);
        if (position < 0) return -1;
        continue;
      }
      if (character === '{' || character === '[') depth += 1;
      else if (character === '}' || character === ']') {
        depth -= 1;
        if (depth === 0) return position + 1;
      }
      position += 1;
    }
    return -1;
  }
  let position = index;
  while (position < text.length && !',}] \t\n\r'.includes(text[position] as string)) position += 1;
  return position === index ? -1 : position;
}

function decodeKey(raw: string): string | null {
  if (!raw.includes('\\')) return raw.slice(1, -1);
  try {
    const decoded: unknown = JSON.parse(raw);
    return typeof decoded === 'string' ? decoded : null;
  } catch {
    return null;
  }
}

/** The members of the object starting at (or after whitespace from) `index`; null if not an object. */
export function scanObject(text: string, index = 0): JsonObjectSpan | null {
  const open = skipWhitespace(text, index);
  if (text[open] !== '{') return null;
  const members: JsonMember[] = [];
  let position = skipWhitespace(text, open + 1);
  if (text[position] === '}') return { open, close: position, members };
  while (position < text.length) {
    if (text[position] !== '"') return null;
    const keyEnd = skipString(text, position);
    if (keyEnd < 0) return null;
    const key = decodeKey(text.slice(position, keyEnd));
    if (key === null) return null;
    const colon = skipWhitespace(text, keyEnd);
    if (text[colon] !== ':') return null;
    const valueStart = skipWhitespace(text, colon + 1);
    const valueEnd = skipValue(text, valueStart);
    if (valueEnd < 0) return null;
    members.push({ key, key_start: position, value_start: valueStart, value_end: valueEnd });
    const next = skipWhitespace(text, valueEnd);
    if (text[next] === '}') return { open, close: next, members };
    if (text[next] !== ',') return null;
    position = skipWhitespace(text, next + 1);
  }
  return null;
}

/** Splices that delete the given members (and one separating comma each) from their object. */
export function removeMembers(span: JsonObjectSpan, remove: (member: JsonMember) => boolean): TextSplice[] {
  const { members } = span;
  const splices: TextSplice[] = [];
  members.forEach((member, index) => {
    if (!remove(member)) return;
    const previous = members[index - 1];
    const next = members[index + 1];
    if (previous) splices.push({ start: previous.value_end, end: member.value_end, text: '' });
    else if (next) splices.push({ start: member.key_start, end: next.key_start, text: '' });
    else splices.push({ start: member.key_start, end: member.value_end, text: '' });
  });
  return splices;
}

/** Applies non-overlapping splices; overlapping deletions are merged. */
export function applySplices(text: string, splices: TextSplice[]): string {
  if (splices.length === 0) return text;
  const sorted = [...splices].sort((left, right) => left.start - right.start || left.end - right.end);
  const merged: TextSplice[] = [];
  for (const splice of sorted) {
    const last = merged[merged.length - 1];
    if (last && splice.start < last.end) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, splice.end), text: last.text + splice.text };
    } else merged.push(splice);
  }
  let output = '';
  let cursor = 0;
  for (const splice of merged) {
    output += text.slice(cursor, splice.start) + splice.text;
    cursor = splice.end;
  }
  return output + text.slice(cursor);
}
