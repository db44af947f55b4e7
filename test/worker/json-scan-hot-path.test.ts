// json-scan's skipString (worker/protocols/shared/json-scan.ts) jumps between quotes and
// backslashes with indexOf instead of walking every character. The invariants: it finds the
// same end as the per-character walk it replaced (the reference below) for any text and start,
// escapes included; and the scan that same-dialect passthrough relies on still splits any JSON
// object into exactly the members JSON.parse sees.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanObject, skipString } from '../../worker/protocols/shared/json-scan';

function referenceSkipString(text: string, index: number): number {
  let position = index + 1;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === 0x5c) position += 2;
    else if (code === 0x22) return position + 1;
    else position += 1;
  }
  return -1;
}

// Texts dense in the characters that matter: quotes, backslashes, escapes, non-ASCII.
const text = fc
  .array(fc.oneof(fc.constantFrom('"', '\\', '\\"', '\\\\', 'a', 'é', '😀', ' ', 'n', '{', '}'), fc.string({ maxLength: 4 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('json-scan: skipString by indexOf', () => {
  it('ends where the per-character walk ended, for any text and start', () => {
    fc.assert(
      fc.property(text, fc.nat(), (value, start) => {
        const index = value.length === 0 ? 0 : start % value.length;
        expect(skipString(value, index)).toBe(referenceSkipString(value, index));
      }),
      { numRuns: 20_000 },
    );
  });

  it('skips every JSON string exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 5 }), (value, after) => {
        const encoded = JSON.stringify(value);
        expect(skipString(`${encoded}${after}`, 0)).toBe(encoded.length);
      }),
      { numRuns: 5_000 },
    );
  });

  it('splits any JSON object into the members JSON.parse sees', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })), fc.boolean(), (object, pretty) => {
        const raw = JSON.stringify(object, null, pretty ? 2 : undefined);
        const span = scanObject(raw);
        expect(span).not.toBeNull();
        const parsed = JSON.parse(raw) as Record<string, unknown>;
        expect(span!.members.map((member) => member.key)).toEqual(Object.keys(parsed));
        for (const member of span!.members) expect(JSON.parse(raw.slice(member.value_start, member.value_end))).toEqual(parsed[member.key]);
      }),
      { numRuns: 2_000 },
    );
  });
});
