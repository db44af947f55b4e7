// Hostile JSON for the fuzzers: arbitrary values with the shapes that break parsers (huge
// strings, lone surrogates, deep nesting, wrong types), and mutations of real documents (drop,
// duplicate, replace, retype a field; reorder and duplicate array entries). A mutation is data
// (a path selector and a kind), so fast-check shrinks a failure to the fewest, smallest edits.
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Strings parsers choke on, besides fast-check's own unicode and ASCII strings. */
const nastyString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\udfff', 'a\ud83d', '\u202e', '\ufeff', '"', '\\', '{"', '[DONE]', 'null', 'data: x\n\n', 'sb1.', '__proto__', 'constructor'),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.nat({ max: 200_000 }).map((length) => 'x'.repeat(length)),
);

const nastyNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 0.5, 1e21),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const leaf: fc.Arbitrary<Json> = fc.oneof(fc.constant(null), fc.boolean(), nastyNumber, nastyString);

/** Arbitrary JSON, shallow or nested. */
export const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom('role', 'content', 'type', 'text', 'parts', 'messages', 'model', 'tools')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

export type MutationKind = 'delete' | 'replace' | 'duplicate-entry' | 'swap-entries' | 'retype' | 'huge' | 'deep' | 'empty';

export interface Mutation {
  at: number;
  kind: MutationKind;
  value: Json;
  /** For 'deep': how many arrays or objects to wrap the field in (built when applied, so a counterexample prints small). */
  depth: number;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<MutationKind>('delete', 'replace', 'duplicate-entry', 'swap-entries', 'retype', 'huge', 'deep', 'empty'),
  value: jsonValue,
  depth: fc.integer({ min: 20, max: 3_000 }),
});

export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

type Container = Json[] | { [key: string]: Json };
interface Slot {
  parent: Container;
  key: string | number;
}

/** Every slot of a document (each object field and array entry), in document order. */
function slotsOf(document: Json): Slot[] {
  const slots: Slot[] = [];
  const walk = (value: Json, depth: number) => {
    if (depth > 64 || value === null || typeof value !== 'object') return;
    const entries: Array<[string | number, Json]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
    for (const [key, child] of entries) {
      slots.push({ parent: value, key });
      walk(child, depth + 1);
    }
  };
  walk(document, 0);
  return slots;
}

function retype(value: Json): Json {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 0;
  if (Array.isArray(value)) return Object.fromEntries(value.map((item, index) => [String(index), item]));
  if (value === null) return {};
  return Object.values(value);
}

/** Apply mutations to a deep copy of `seed` (the seed itself is never changed). */
export function applyMutations(seed: Json, edits: readonly Mutation[]): Json {
  // Copied through JSON text: structuredClone recurses and overflows on deeply nested documents.
  let document: Json = JSON.parse(JSON.stringify(seed)) as Json;
  for (const edit of edits) {
    const slots = slotsOf(document);
    if (slots.length === 0) {
      document = edit.kind === 'retype' ? retype(document) : edit.value;
      continue;
    }
    const { parent, key } = slots[edit.at % slots.length]!;
    const current = (parent as Record<string | number, Json>)[key]!;
    const set = (value: Json) => {
      (parent as Record<string | number, Json>)[key] = value;
    };
    switch (edit.kind) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case 'replace':
        set(edit.value);
        break;
      case 'duplicate-entry':
        if (Array.isArray(parent)) parent.splice(key as number, 0, copy(current));
        else if (Array.isArray(current) && current.length > 0) current.push(copy(current[0]!));
        else set([current, current]);
        break;
      case 'swap-entries':
        if (Array.isArray(parent) && parent.length > 1) {
          const other = (edit.at >> 3) % parent.length;
          [parent[key as number], parent[other]] = [parent[other]!, current];
        } else if (!Array.isArray(parent)) {
          // Reorder the object's fields: this one last.
          delete parent[key as string];
          parent[key as string] = current;
        }
        break;
      case 'retype':
        set(retype(current));
        break;
      case 'huge':
        set(typeof current === 'string' ? current.repeat(Math.max(1, Math.floor(300_000 / Math.max(1, current.length)))) : 'y'.repeat(300_000));
        break;
      case 'deep':
        set(nest(current, edit.depth, edit.at % 2 === 0));
        break;
      case 'empty':
        set(Array.isArray(current) ? [] : typeof current === 'object' && current !== null ? {} : '');
        break;
    }
  }
  return document;
}

function nest(value: Json, depth: number, arrays: boolean): Json {
  let nested: Json = typeof value === 'object' ? 'bottom' : value;
  for (let level = 0; level < depth; level++) nested = arrays ? [nested] : { content: nested, text: nested === null ? '' : 'x' };
  return nested;
}

/** Runs per property: FUZZ_RUNS multiplies the fixed budget (the soak run raises it). */
export function runs(base: number): number {
  const factor = Number(process.env.FUZZ_RUNS_FACTOR ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
}

function copy(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}
